package dev.kiln.builder.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MavenProgressTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("maven 3.9 mojo line", "[INFO] --- compiler:3.13.0:compile (default-compile) @ greeter ---", "compiler:compile @ greeter"),
                Arguments.of("maven 3.8 full plugin name", "[INFO] --- maven-compiler-plugin:3.13.0:testCompile (default-testCompile) @ greeter ---", "compiler:testCompile @ greeter"),
                Arguments.of("execution id with a dash", "[INFO] --- dependency:3.8.1:copy-dependencies (function-lib) @ greeter ---", "dependency:copy-dependencies @ greeter"),
                Arguments.of("third-party plugin, old style", "[INFO] --- exec-maven-plugin:3.5.0:java (default-cli) @ my-fn ---", "exec:java @ my-fn"),
                Arguments.of("no execution id", "[INFO] --- jar:3.4.2:jar @ greeter ---", "jar:jar @ greeter"),
                Arguments.of("trailing spaces", "[INFO] --- resources:3.3.1:resources (default-resources) @ greeter ---   ", "resources:resources @ greeter"),
                Arguments.of("project banner", "[INFO] Building Kiln :: Examples :: Greeter function 0.1.0-SNAPSHOT", null),
                Arguments.of("separator", "[INFO] ------------------------------------------------------------------------", null),
                Arguments.of("result", "[INFO] BUILD SUCCESS", null),
                Arguments.of("an error that looks alike", "[ERROR] --- compiler:3.13.0:compile (default-compile) @ greeter ---", null),
                Arguments.of("empty", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void readsTheStepAMojoLineStarts(String name, String line, String step) {
        assertThat(MavenProgress.step(line)).isEqualTo(Optional.ofNullable(step));
    }
}
