package dev.kiln.function.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JvmCommandTest {

    @TempDir
    static Path app;

    static final Path JDK17 = Path.of("/jdk17");
    static final Path JDK25 = Path.of("/jdk25");

    static Stream<Arguments> runCommands() {
        return Stream.of(
                Arguments.of("jdk17 without archive", new JavaRuntime(JDK17, 17), false,
                        List.of("/jdk17/bin/java", "-Xmx64m", "-jar", "{app}/app.jar")),
                Arguments.of("jdk17 maps its AppCDS archive", new JavaRuntime(JDK17, 17), true,
                        List.of("/jdk17/bin/java", "-XX:SharedArchiveFile={app}/app.jdk17.jsa", "-Xmx64m", "-jar", "{app}/app.jar")),
                Arguments.of("jdk25 maps its AOT cache", new JavaRuntime(JDK25, 25), true,
                        List.of("/jdk25/bin/java", "-XX:AOTCache={app}/app.jdk25.aot", "-Xmx64m", "-jar", "{app}/app.jar")),
                Arguments.of("jdk21 ignores the jdk17 archive", new JavaRuntime(Path.of("/jdk21"), 21), false,
                        List.of("/jdk21/bin/java", "-Xmx64m", "-jar", "{app}/app.jar")),
                Arguments.of("jdk11 never maps an archive", new JavaRuntime(Path.of("/jdk11"), 11), true,
                        List.of("/jdk11/bin/java", "-Xmx64m", "-jar", "{app}/app.jar")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runCommands")
    void run(String name, JavaRuntime java, boolean archivesWritten, List<String> expected) throws IOException {
        Path dir = Files.createTempDirectory(app, "fn");
        if (archivesWritten) {
            Files.writeString(dir.resolve("app.jdk17.jsa"), "x");
            Files.writeString(dir.resolve("app.jdk25.aot"), "x");
            Files.writeString(dir.resolve("app.jdk11.jsa"), "x");
        }
        assertThat(JvmCommand.run(java, dir, List.of("-Xmx64m")))
                .containsExactlyElementsOf(expected.stream().map(s -> s.replace("{app}", dir.toString())).toList());
    }

    static Stream<Arguments> trainCommands() {
        return Stream.of(
                Arguments.of("jdk17 writes AppCDS at exit", new JavaRuntime(JDK17, 17),
                        List.of("/jdk17/bin/java", "-XX:ArchiveClassesAtExit=/f/app.jdk17.jsa", "-jar", "/f/app.jar", "--train=50")),
                Arguments.of("jdk24 still uses AppCDS", new JavaRuntime(Path.of("/jdk24"), 24),
                        List.of("/jdk24/bin/java", "-XX:ArchiveClassesAtExit=/f/app.jdk24.jsa", "-jar", "/f/app.jar", "--train=50")),
                Arguments.of("jdk25 writes an AOT cache", new JavaRuntime(JDK25, 25),
                        List.of("/jdk25/bin/java", "-XX:AOTCacheOutput=/f/app.jdk25.aot", "-jar", "/f/app.jar", "--train=50")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainCommands")
    void train(String name, JavaRuntime java, List<String> expected) {
        assertThat(JvmCommand.train(java, Path.of("/f"), 50)).containsExactlyElementsOf(expected);
    }

    @Test
    void trainingNeedsAnArchiveCapableRuntime() {
        assertThatThrownBy(() -> JvmCommand.train(new JavaRuntime(Path.of("/jdk11"), 11), Path.of("/f"), 5))
                .hasMessage("Java 11 at /jdk11 cannot write a class archive; use JDK 13 or later");
    }

    static Stream<Arguments> releaseFiles() {
        return Stream.of(
                Arguments.of("debian 17", "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n", 17),
                Arguments.of("temurin 25", "JAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\nJAVA_VERSION=\"25.0.3\"\n", 25),
                Arguments.of("feature release without dots", "JAVA_VERSION=\"26\"", 26),
                Arguments.of("java 8 style", "JAVA_VERSION=\"1.8.0_392\"", 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releaseFiles")
    void readsTheFeatureVersion(String name, String release, int feature) {
        assertThat(JavaRuntime.featureOf(release)).isEqualTo(feature);
    }

    @Test
    void aReleaseFileWithoutAVersionIsRefused() {
        assertThatThrownBy(() -> JavaRuntime.featureOf("IMPLEMENTOR=\"x\"")).hasMessageContaining("no JAVA_VERSION");
        assertThatThrownBy(() -> JavaRuntime.at(Path.of("/nonexistent-jdk"))).hasMessageContaining("is /nonexistent-jdk a JDK or JRE?");
    }

    @Test
    void theCurrentRuntimeReadsItsOwnReleaseFile() {
        assertThat(JavaRuntime.at(JavaRuntime.current().home())).isEqualTo(JavaRuntime.current());
    }
}
