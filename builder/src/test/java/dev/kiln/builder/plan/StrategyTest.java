package dev.kiln.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.functions.v1alpha1.BuildSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategyTest {

    static final String SDK_POM = "<project><dependencies><dependency><groupId>dev.kiln</groupId>"
            + "<artifactId>kiln-function-sdk</artifactId></dependency></dependencies></project>";
    static final String OTHER_POM = "<project><dependencies><dependency><artifactId>guava</artifactId></dependency></dependencies></project>";

    @TempDir
    Path dir;

    static BuildSpec spec(String strategy, String dockerfile) {
        BuildSpec s = new BuildSpec();
        s.strategy = strategy;
        s.dockerfile = dockerfile;
        return s;
    }

    static Stream<Arguments> detected() {
        return Stream.of(
                Arguments.of("auto: a Dockerfile wins", Map.of("Dockerfile", "FROM x", "pom.xml", SDK_POM), spec("auto", null), Strategy.DOCKERFILE),
                Arguments.of("auto: a Maven function", Map.of("pom.xml", SDK_POM), spec(null, null), Strategy.MAVEN),
                Arguments.of("auto: a Dockerfile elsewhere", Map.of("build/Containerfile", "FROM x"), spec("auto", "build/Containerfile"), Strategy.DOCKERFILE),
                Arguments.of("maven asked for, any pom", Map.of("pom.xml", OTHER_POM), spec("maven", null), Strategy.MAVEN),
                Arguments.of("dockerfile asked for", Map.of("Dockerfile", "FROM x", "pom.xml", SDK_POM), spec("dockerfile", null), Strategy.DOCKERFILE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detected")
    void detects(String name, Map<String, String> files, BuildSpec spec, Strategy expected) throws Exception {
        write(files);
        assertThat(Strategy.detect(dir, spec)).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("auto: nothing to build", Map.of("README.md", "hi"), spec("auto", null),
                        "no build strategy: the context directory has no Dockerfile and no pom.xml depending on dev.kiln:kiln-function-sdk"),
                Arguments.of("auto: a pom without the SDK", Map.of("pom.xml", OTHER_POM), spec("auto", null), "its pom.xml does not depend on"),
                Arguments.of("dockerfile asked for, none there", Map.of("pom.xml", SDK_POM), spec("dockerfile", null), "there is no Dockerfile"),
                Arguments.of("maven asked for, no pom", Map.of("Dockerfile", "FROM x"), spec("maven", null), "there is no pom.xml"),
                Arguments.of("a pom with a DOCTYPE", Map.of("pom.xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><project/>"),
                        spec("auto", null), "pom.xml cannot be read"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String name, Map<String, String> files, BuildSpec spec, String message) throws Exception {
        write(files);
        assertThatThrownBy(() -> Strategy.detect(dir, spec)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void buildKeysChangeWithEveryInput() {
        String base = BuildKey.of("a".repeat(40), "fn", spec("auto", null), "0.1.0");
        assertThat(base).hasSize(64).isEqualTo(BuildKey.of("a".repeat(40), "fn", spec("auto", null), "0.1.0"));
        assertThat(BuildKey.of("b".repeat(40), "fn", spec("auto", null), "0.1.0")).isNotEqualTo(base);
        assertThat(BuildKey.of("a".repeat(40), "", spec("auto", null), "0.1.0")).isNotEqualTo(base);
        assertThat(BuildKey.of("a".repeat(40), "fn", spec("maven", null), "0.1.0")).isNotEqualTo(base);
        assertThat(BuildKey.of("a".repeat(40), "fn", spec("auto", null), "0.2.0")).isNotEqualTo(base);
    }

    void write(Map<String, String> files) throws Exception {
        for (var e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
    }
}
