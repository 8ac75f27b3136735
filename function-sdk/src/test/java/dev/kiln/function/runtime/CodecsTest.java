package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;
import dev.kiln.function.codec.FunctionCodec;
import dev.kiln.function.codec.JsonReader;
import dev.kiln.function.codec.JsonWriter;
import dev.kiln.function.fixtures.Greeter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which generated codec the runtime takes for a function class, and what it says when it takes none. */
class CodecsTest {

    /** Generic: the processor writes no codec for it, so the one below stands for a codec left from another class. */
    public static class Stale<T> implements CloudFunction<String, String> {
        @Override
        public String apply(String in, Context c) {
            return in;
        }
    }

    /** A codec by {@link Stale}'s codec name that was generated for another class. */
    public static final class Stale_KilnCodec implements FunctionCodec {
        @Override
        public int version() {
            return VERSION;
        }

        @Override
        public Class<?> functionClass() {
            return Greeter.class;
        }

        @Override
        public Class<?> inputClass() {
            return Greeter.Hello.class;
        }

        @Override
        public String inputName() {
            return "Hello";
        }

        @Override
        public boolean readsInput() {
            return false;
        }

        @Override
        public Object readInput(JsonReader in) {
            throw in.notCovered();
        }

        @Override
        public Class<?> outputClass() {
            return String.class;
        }

        @Override
        public boolean writesOutput() {
            return false;
        }

        @Override
        public void writeOutput(Object value, JsonWriter out) {
            throw out.notCovered();
        }
    }

    /** Generic, so without a codec. */
    public static class Uncoded<T> implements CloudFunction<String, String> {
        @Override
        public String apply(String in, Context c) {
            return in;
        }
    }

    @Test
    void aFunctionGetsTheCodecGeneratedForIt() {
        assertThat(Codecs.find(Greeter.class)).isNotNull().extracting(FunctionCodec::functionClass).isEqualTo(Greeter.class);
    }

    @Test
    void aCodecGeneratedForAnotherClassIsNotUsed() {
        assertThat(FunctionCodec.nameFor(Stale.class.getName())).isEqualTo(Stale_KilnCodec.class.getName());
        String log = stderr(() -> assertThat(Codecs.find(Stale.class)).isNull());
        assertThat(log).contains("WARN").contains("was generated for another class (" + Greeter.class.getName());
    }

    @Test
    void aFunctionWithoutACodecIsSaidOnce() {
        String log = stderr(() -> assertThat(Codecs.find(Uncoded.class)).isNull());
        assertThat(log).contains("INFO no generated codec for " + Uncoded.class.getName()).contains("-proc:full");
        assertThat(log.lines()).hasSize(1);
    }

    private static String stderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
