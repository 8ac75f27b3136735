package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCommandTest {

    @Test
    void aNegativeJourneysIsBadUsageAndStartsNothing(@TempDir Path dir) {
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            exit = Kiln.commandLine().execute("dev", dir.toString(), "--journeys", "-1", "--state", dir.resolve(".kiln").toString());
        } finally {
            System.setErr(err);
        }
        assertThat(exit).isEqualTo(Kiln.USAGE);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--journeys is 0 (keep none) or more steps, not -1");
        assertThat(dir.resolve(".kiln")).doesNotExist();
    }
}
