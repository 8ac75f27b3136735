package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.function.fixtures.Greeter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FunctionConfigTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"PORT, http", "KILN_TIMEOUT_SECONDS, 5m", "KILN_DRAIN_SECONDS, -1", "KILN_MAX_BODY_BYTES, 99999999999"})
    void malformedNumbersNameTheVariable(String key, String value) {
        assertThatThrownBy(() -> FunctionConfig.fromEnv(Map.of(key, value), Greeter.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(key + " must be a whole number from 0 to 2147483647, got \"" + value + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'', greeter, dev.kiln.function.greeter.reply, /functions/greeter",
            "K_SERVICE=hello, hello, dev.kiln.function.hello.reply, /functions/hello"})
    void namesAndReplyDefaults(String env, String name, String replyType, String replySource) {
        Map<String, String> vars = env.isEmpty() ? Map.of() : Map.of(env.split("=")[0], env.split("=")[1]);
        FunctionConfig config = FunctionConfig.fromEnv(vars, Greeter.class);
        assertThat(config.name()).isEqualTo(name);
        assertThat(config.replyType()).isEqualTo(replyType);
        assertThat(config.replySource()).isEqualTo(replySource);
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(300));
    }

    /** Written without a regex (off the cold path); the same names as the regex it replaced gave. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"Greeter, greeter", "HelloWorld, hello-world", "HTTPServer, httpserver", "My2Fn, my2-fn", "aBcD, a-bc-d",
            "xYZ, x-yz", "aA1B, a-a1-b", "Été, été", "'', function"})
    void defaultNamesAreKebabCase(String className, String name) {
        assertThat(FunctionConfig.kebab(className)).isEqualTo(name)
                .isEqualTo((className.isEmpty() ? "function" : className).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT));
    }
}
