package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.codec.FunctionCodec;
import dev.kiln.function.codec.JsonReader;
import dev.kiln.function.codec.JsonWriter;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * How a function's JSON input is read from an event's data and its output written into a reply: by the codec
 * generated at build time ({@link FunctionCodec}) where it covers the type and the document, by Jackson for
 * the rest. The codec refuses what it cannot bind exactly as Jackson would, so the outcome is Jackson's
 * either way; what changes is that a function whose types the codec covers never loads Jackson on its way to
 * the first reply (about 600 classes: {@code docs/benchmarks.md}).
 *
 * <p>Jackson is built on a second thread at start-up when the codec is missing or leaves a type to it, so
 * its cost overlaps the function's init hook as before; otherwise on first use (a document the codec refuses,
 * structured and batch mode).
 */
final class Binding {

    /** What the function takes: the event, its data as bytes or text, or the data bound from JSON. */
    enum Kind { EVENT, BYTES, TEXT, JSON }

    private final Kind input;
    private final String inputName;
    private final FunctionCodec codec;
    private final ClassPathCheck classPath;
    private final FutureTask<JacksonBinding> jackson;

    private Binding(Kind input, String inputName, FunctionCodec codec, ClassPathCheck classPath, FutureTask<JacksonBinding> jackson) {
        this.input = input;
        this.inputName = inputName;
        this.codec = codec;
        this.classPath = classPath;
        this.jackson = jackson;
    }

    /**
     * @param function the function
     * @param classPath the class path's Jackson modules: one that could bind a covered type its own way turns the
     *     codec off
     * @return its binding; when Jackson will be needed for every event, it is being built on a daemon thread
     */
    static Binding of(CloudFunction<?, ?> function, ClassPathCheck classPath) {
        Class<?> type = function.getClass();
        ClassPathFacts known = classPath.factsIfKnown();
        // A Jackson module that could bind plain types its own way turns the codecs off; known now or at first use.
        FunctionCodec codec = known != null && !known.codecsAgreeWithJackson() ? null : Codecs.find(type);
        FutureTask<JacksonBinding> jackson = new FutureTask<>(new BuildJackson(type));
        if (codec == null) {
            Type in = JacksonBinding.inputType(type);
            Binding b = new Binding(kind(in), in instanceof Class<?> c ? c.getSimpleName() : in.getTypeName(), null, classPath, jackson);
            if (b.input == Kind.JSON) {
                b.prepare();
            }
            return b;
        }
        Binding b = new Binding(kind(codec.inputClass()), codec.inputName(), codec, classPath, jackson);
        if (b.input == Kind.JSON && !codec.readsInput() || !codec.writesOutput() && isJson(codec.outputClass())) {
            b.prepare();
        }
        return b;
    }

    /** @return whether a generated codec binds this function's JSON (when it covers the document) */
    boolean usesCodec() {
        return codec != null && classPath.facts().codecsAgreeWithJackson();
    }

    /** @return the kind of input the function takes */
    Kind input() {
        return input;
    }

    /** @return the input type as messages name it */
    String inputName() {
        return inputName;
    }

    /**
     * @param data the event's data, JSON
     * @return the input
     * @throws IOException Jackson's, when the data does not bind
     */
    Object read(byte[] data) throws IOException {
        if (usesCodec() && codec.readsInput()) {
            try {
                return codec.readInput(new JsonReader(data));
            } catch (RuntimeException notCovered) {
                // Jackson reads it: coerces what it coerces, refuses with its own message what it refuses.
            }
        }
        return jackson().read(data);
    }

    /**
     * @param output the function's result: neither a CloudEvent, bytes nor text
     * @return its JSON
     * @throws IOException Jackson's, when it cannot write the value
     */
    byte[] write(Object output) throws IOException {
        if (usesCodec() && codec.writesOutput()) {
            try {
                JsonWriter out = new JsonWriter();
                codec.writeOutput(output, out);
                return out.toByteArray();
            } catch (RuntimeException notCovered) {
                // Jackson writes it (a subclass, a value it quotes, a failing accessor it reports).
            }
        }
        return jackson().write(output);
    }

    /** @return Jackson, built now if no thread has built it yet */
    JacksonBinding jackson() {
        jackson.run(); // a no-op once started elsewhere; get() then waits for it
        try {
            return jackson.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing Jackson", e);
        }
    }

    private void prepare() {
        Thread t = new Thread(jackson, "kiln-prepare");
        t.setDaemon(true);
        t.start();
    }

    private static Kind kind(Type type) {
        if (type == CloudEvent.class) {
            return Kind.EVENT;
        }
        if (type == byte[].class) {
            return Kind.BYTES;
        }
        return type == String.class ? Kind.TEXT : Kind.JSON;
    }

    /** Whether a declared output is bound to JSON (not an event, bytes, text or nothing). */
    private static boolean isJson(Class<?> output) {
        return output != CloudEvent.class && output != byte[].class && output != String.class && output != Void.class;
    }

    /** Builds Jackson for the function's input type; a class rather than a lambda, off the cold path's bootstraps. */
    private static final class BuildJackson implements Callable<JacksonBinding> {
        private final Class<?> function;

        BuildJackson(Class<?> function) {
            this.function = function;
        }

        @Override
        public JacksonBinding call() {
            return new JacksonBinding(JacksonBinding.inputType(function));
        }
    }
}
