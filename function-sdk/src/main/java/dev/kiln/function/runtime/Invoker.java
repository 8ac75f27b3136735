package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;
import dev.kiln.function.FunctionConfig;
import dev.kiln.function.RejectedEventException;
import dev.kiln.function.Reply;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Binds an event to the function's input type, calls the function under its deadline and turns the result
 * into a reply. Shared by the HTTP server and {@link dev.kiln.function.testing.FunctionTester} (through
 * {@link InProcess}), so a unit test exercises exactly what production runs.
 */
final class Invoker {

    /** Tracing extensions carried from the input to the reply (CloudEvents distributed tracing extension). */
    static final Set<String> TRACE_EXTENSIONS = Set.of("traceparent", "tracestate");

    private final CloudFunction<Object, Object> function;
    private final FunctionConfig config;
    private final Binding binding;
    private final ClassPathCheck classPath;
    private final Deadlines deadlines;

    /**
     * @param function the function
     * @param config its configuration
     * @param binding how its input and output are bound
     * @param classPath whether replies must be made by the SDK's builder (validators)
     * @param deadlines the watchdog that enforces {@link FunctionConfig#timeout()}
     */
    @SuppressWarnings("unchecked")
    Invoker(CloudFunction<?, ?> function, FunctionConfig config, Binding binding, ClassPathCheck classPath, Deadlines deadlines) {
        this.function = (CloudFunction<Object, Object>) function;
        this.config = config;
        this.binding = binding;
        this.classPath = classPath;
        this.deadlines = deadlines;
    }

    /** @return the function */
    CloudFunction<?, ?> function() {
        return function;
    }

    /** @return how the function's input and output are bound */
    Binding binding() {
        return binding;
    }

    /**
     * Invokes the function with one event on the calling thread, waiting for it to return.
     *
     * @param event the event
     * @param warmup whether this is the start-up warm-up call
     * @return the outcome; never throws for bad input or function errors
     */
    Result invoke(CloudEvent event, boolean warmup) {
        return invoke(event, warmup, () -> { });
    }

    /**
     * Invokes the function with one event on the calling thread. If the deadline passes first, the thread is
     * interrupted and {@code onExpiry} runs on the watchdog thread, so an HTTP caller can answer 504 at the
     * deadline even when the function ignores the interrupt; this method then returns 504 once the function
     * does return.
     *
     * @param event the event
     * @param warmup whether this is the start-up warm-up call
     * @param onExpiry what to do at the deadline, on the watchdog thread
     * @return the outcome; never throws for bad input or function errors
     */
    Result invoke(CloudEvent event, boolean warmup, Runnable onExpiry) {
        Set<String> accepted = function.acceptedTypes();
        if (!accepted.isEmpty() && !accepted.contains(event.getType())) {
            return Result.error(404, "this function does not accept events of type " + event.getType()
                    + "; it accepts " + String.join(", ", accepted));
        }
        Object input;
        try {
            input = bind(event);
        } catch (BindingException e) {
            return Result.error(e.status, e.getMessage());
        }
        Instant deadline = Instant.now().plus(config.timeout());
        InvocationContext context = new InvocationContext(event, new Reply(config.replyType(), config.replySource()),
                config, deadline, warmup);
        Object output = null;
        Throwable failure = null;
        boolean inTime;
        Deadlines.Call call = deadlines.watch(config.timeout(), onExpiry);
        try {
            output = function.apply(input, context);
        } catch (Throwable e) { // any failure of the function is its caller's 500, never a dropped connection
            failure = e;
        } finally {
            inTime = call.finish();
        }
        if (!inTime) {
            return timedOut();
        }
        if (failure instanceof RejectedEventException) {
            return Result.error(400, "the function rejected the event: " + failure.getMessage());
        }
        if (failure != null) {
            return Result.error(500, "the function failed: " + failure.getClass().getName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
        }
        if (output == null) {
            return Result.noReply();
        }
        try {
            return Result.reply(replyFor(event, output, context.reply()));
        } catch (IOException | RuntimeException e) { // a bad source, extension name or value: never a dropped connection
            return Result.error(500, "the function's reply could not be serialised: " + e.getMessage());
        }
    }

    /** @return the outcome of a call that passed its deadline */
    Result timedOut() {
        return Result.error(504, "the function did not finish within " + config.timeout().toSeconds() + "s");
    }

    private Object bind(CloudEvent event) throws BindingException {
        if (binding.input() == Binding.Kind.EVENT) {
            return event;
        }
        byte[] data = event.getData() == null ? null : event.getData().toBytes();
        if (binding.input() == Binding.Kind.BYTES) {
            return data == null ? new byte[0] : data;
        }
        if (binding.input() == Binding.Kind.TEXT) {
            return data == null ? "" : new String(data, StandardCharsets.UTF_8);
        }
        if (data == null || data.length == 0) {
            throw new BindingException(400, "the event has no data; this function expects "
                    + typeName() + " as JSON");
        }
        if (!isJson(event.getDataContentType())) {
            throw new BindingException(415, "data content type " + event.getDataContentType()
                    + " is not supported; this function expects " + typeName() + " as application/json");
        }
        try {
            return binding.read(data);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            throw new BindingException(400, "the event's data does not bind to " + typeName() + ": " + detail);
        }
    }

    private CloudEvent replyFor(CloudEvent input, Object output, Reply reply) throws IOException {
        if (output instanceof CloudEvent event) {
            return event;
        }
        URI source = URI.create(reply.source());
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (String name : TRACE_EXTENSIONS) {
            Object value = input.getExtension(name);
            if (value != null) {
                extensions.put(name, value.toString());
            }
        }
        extensions.putAll(reply.extensions()); // the function's own win, as they did when set on the builder last
        CloudEvents.checkExtensionNames(reply.extensions().keySet());
        String contentType;
        byte[] data;
        if (output instanceof byte[] bytes) {
            contentType = "application/octet-stream";
            data = bytes;
        } else if (output instanceof String text) {
            contentType = "text/plain; charset=utf-8";
            data = text.getBytes(StandardCharsets.UTF_8);
        } else {
            contentType = "application/json";
            data = binding.write(output);
        }
        return CloudEvents.reply(newId(), source, reply.type(), reply.subject(), OffsetDateTime.now(ZoneOffset.UTC),
                extensions, contentType, data, classPath.validators());
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: unique enough for event ids, and unlike
     * {@link UUID#randomUUID()} it does not seed a SecureRandom on the first reply of a cold process.
     */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = r.nextLong() & ~0xF000L | 0x4000L;
        long lsb = r.nextLong() & ~(0xC000L << 48) | 0x8000L << 48;
        return new UUID(msb, lsb).toString();
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        String ct = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return ct.equals("application/json") || ct.equals("text/json") || ct.endsWith("+json");
    }

    private String typeName() {
        return binding.inputName();
    }

    private static final class BindingException extends Exception {
        final int status;

        BindingException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private record InvocationContext(CloudEvent event, Reply reply, FunctionConfig config, Instant deadline,
            boolean isWarmup) implements Context {
    }
}
