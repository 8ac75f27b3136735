package dev.kiln.function.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ArchiveTrainer's command line and argument file; TrainingIT trains with it on real JVMs. */
class ArchiveTrainerTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(JavaRuntime java, String... args) {
        return ArchiveTrainer.run(args, java, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    static Stream<Arguments> badUsage() {
        return Stream.of(
                Arguments.of("no directory", new String[] {}, "APP_DIR must hold app.jar"),
                Arguments.of("a directory without app.jar", new String[] {"{dir}/missing"}, "/missing does not"),
                Arguments.of("an unknown option", new String[] {"{dir}", "--fast"}, "unexpected '--fast'"),
                Arguments.of("rounds that are not a positive number", new String[] {"{dir}", "--rounds=0"}, "unexpected '--rounds=0'"),
                Arguments.of("two directories", new String[] {"{dir}", "{dir}"}, "unexpected"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUsage")
    void badUsageExits2(String name, String[] args, String message) throws Exception {
        Files.writeString(dir.resolve(JvmCommand.APP_JAR), "");
        String[] resolved = Stream.of(args).map(a -> a.replace("{dir}", dir.toString())).toArray(String[]::new);
        assertThat(run(JavaRuntime.current(), resolved)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
    }

    @Test
    void aRuntimeWithoutArchivesGetsAnEmptyOptionsFile() throws Exception {
        Files.writeString(dir.resolve(JvmCommand.APP_JAR), "");
        assertThat(run(new JavaRuntime(Path.of("/jdk11"), 11), dir.toString())).isZero();
        assertThat(dir.resolve(ArchiveTrainer.OPTIONS_FILE)).hasContent("");
    }

    @Test
    void optionsWithSpacesOrQuotesAreQuotedForTheArgumentFile() {
        assertThat(ArchiveTrainer.quoted("-XX:SharedArchiveFile=/app/app.jdk17.jsa")).isEqualTo("-XX:SharedArchiveFile=/app/app.jdk17.jsa");
        assertThat(ArchiveTrainer.quoted("-XX:AOTCache=/my app/a\"b\\c.aot")).isEqualTo("\"-XX:AOTCache=/my app/a\\\"b\\\\c.aot\"");
    }
}
