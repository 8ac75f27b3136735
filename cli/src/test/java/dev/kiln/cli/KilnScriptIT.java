package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kiln} script in a copy of the repository's root whose {@code ./mvnw} is a stand-in that records its builds
 * (a real build takes minutes) and whose {@code java} prints what it ran: what the script itself decides is real.
 */
class KilnScriptIT {

    @Test
    void aSecondTerminalWaitsForTheFirstBuildAndBuildsNothing(@TempDir Path root) throws Exception {
        Files.copy(FreshMachineIT.ROOT.resolve("kiln"), root.resolve("kiln"));
        executable(root.resolve("mvnw"), """
                #!/bin/sh
                [ -e building ] && echo overlap >> builds
                touch building; echo build >> builds
                while [ ! -e release ]; do sleep 0.1; done
                mkdir -p cli/target && touch cli/target/kiln-cli-0.1.0-SNAPSHOT.jar && rm building
                """);
        Path bin = Files.createDirectories(root.resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/sh\necho \"ran $*\"\n");

        Process first = kiln(root, bin, "first.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(root.resolve("building")));
        Process second = kiln(root, bin, "second.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(root.resolve("second.txt")).contains("waiting for it"));
        Files.createFile(root.resolve("release"));
        assertThat(first.waitFor(30, TimeUnit.SECONDS) && second.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(root.resolve("builds")).as("one build, not two at once").hasContent("build");
        assertThat(Files.readString(root.resolve("first.txt"))).contains("kiln: building the CLI",
                "The first time this takes a few minutes", "kiln: the CLI is built", "ran -jar " + root.resolve("cli/target/kiln-cli-0.1.0-SNAPSHOT.jar") + " get");
        assertThat(Files.readString(root.resolve("second.txt"))).contains("another ./kiln is building the CLI; waiting for it")
                .doesNotContain("kiln: building the CLI").contains("ran -jar");
    }

    private static Process kiln(Path root, Path bin, String output) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("kiln").toString(), "get").directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(root.resolve(output).toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        return pb.start();
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
