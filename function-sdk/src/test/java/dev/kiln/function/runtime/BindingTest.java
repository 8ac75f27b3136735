package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.function.fixtures.Greeter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated codec binds only where Jackson, as configured on this class path, would bind the same way. */
class BindingTest {

    static final byte[] HELLO = "{\"name\":\"ada\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theGeneratedCodecBindsWhenTheClassPathAddsNothingToJackson() throws Exception {
        Binding b = Binding.of(new Greeter(), ClassPathCheck.start(new ClassPathFacts(List.of(), false,
                List.of("com.fasterxml.jackson.datatype.jsr310.JavaTimeModule"))));
        assertThat(b.usesCodec()).isTrue();
        assertThat(b.read(HELLO)).isEqualTo(new Greeter.Hello("ada"));
        assertThat(b.inputName()).isEqualTo("Hello");
    }

    @Test
    void aJacksonModuleOfTheApplicationsTurnsTheCodecOff() throws Exception {
        Binding b = Binding.of(new Greeter(), ClassPathCheck.start(new ClassPathFacts(List.of(), false, List.of("com.example.Naming"))));
        assertThat(b.usesCodec()).isFalse();
        assertThat(b.read(HELLO)).isEqualTo(new Greeter.Hello("ada"));
    }

    @Test
    void aFunctionBuiltWithoutTheProcessorIsBoundByJackson() throws Exception {
        dev.kiln.function.CloudFunction<Greeter.Hello, String> lambda = (in, ctx) -> in.name();
        Binding b = Binding.of(lambda, ClassPathCheck.start(new ClassPathFacts(List.of(), false, List.of())));
        assertThat(b.usesCodec()).isFalse();
        assertThat(b.input()).isEqualTo(Binding.Kind.JSON);
    }
}
