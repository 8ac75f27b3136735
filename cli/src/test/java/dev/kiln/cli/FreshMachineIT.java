package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From a clean checkout, {@code ./kiln new hello --dir T && cd T/hello && ./kiln dev .}, on a machine whose first
 * {@code mvn} on the PATH is Debian's Maven 3.8, which ignores {@code maven.repo.local.tail}: function builds must
 * still find Kiln's SDK, and only the one Kiln runs with. Each test is a fresh machine: its own user home
 * ({@code -Duser.home}, so Maven's {@code ~/.m2} and Kiln's cache are new), with Maven Central played by this build's
 * own local repository through a mirror in {@code settings.xml} (downloads without the network), and Maven's wrapper
 * distribution linked in (the wrapper would download it).
 * <ul>
 *   <li>{@code ./kiln dev} first: nothing in {@code ~/.m2}; everything the function needs is downloaded into Kiln's
 *       cache, and {@code ~/.m2} is still empty afterwards;</li>
 *   <li>{@code ./mvnw verify} first: {@code ~/.m2} holds what Kiln's build fetched (this build's repository); the
 *       function builds from it without downloading anything, and nothing of Kiln is written into it;</li>
 *   <li>the CLI without the script, Maven 3.8 found on the PATH: every function says which Maven it found and which
 *       it needs.</li>
 * </ul>
 * An older SDK left in {@code ~/.m2} not winning is {@code HostBuildIT}'s.
 */
class FreshMachineIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static Path oldMaven;

    @BeforeAll
    static void findAMaven38() throws Exception {
        for (String candidate : List.of("/usr/bin/mvn", "/usr/share/maven/bin/mvn")) {
            Path mvn = Path.of(candidate);
            if (Files.isExecutable(mvn)) {
                Process p = new ProcessBuilder(mvn.toString(), "-B", "-v").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (p.waitFor() == 0 && out.matches("(?s).*Apache Maven 3\\.[0-8]\\..*")) {
                    oldMaven = mvn;
                }
            }
        }
        Assumptions.assumeTrue(oldMaven != null, "needs a Maven older than 3.9 (Debian's maven package; .ci/run installs it)");
    }

    static final Path BUILD_REPOSITORY = Path.of(System.getProperty("kiln.it.repository", System.getProperty("user.home") + "/.m2/repository"));

    /**
     * A new user home: settings whose mirror is this build's repository, the wrapper's Maven linked in.
     *
     * @param localRepository the settings' {@code localRepository}, or null for {@code ~/.m2/repository}
     */
    static Path freshHome(Path dir, Path localRepository) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), """
                <settings>
                  %s
                  <mirrors>
                    <mirror><id>central-here</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(localRepository == null ? "" : "<localRepository>" + localRepository + "</localRepository>",
                BUILD_REPOSITORY.toUri()));
        Path wrapper = Path.of(System.getProperty("user.home"), ".m2", "wrapper");
        if (Files.isDirectory(wrapper)) {
            Files.createSymbolicLink(home.resolve(".m2/wrapper"), wrapper);
        }
        return home;
    }

    /** {@code ./kiln new hello --dir T}, as the user on this machine: the project, with no Git repository. */
    static Path newProject(Path dir, Path home) throws Exception {
        Path t = Files.createDirectories(dir.resolve("T"));
        Process p = start(t, home, dir.resolve("new.txt"), script("new", "hello", "--dir", t.toString()), Map.of());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("new.txt"))).isZero();
        return t.resolve("hello");
    }

    static Process start(Path project, Path home, Path out, List<String> command, Map<String, String> extra) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        if (!Files.exists(bin.resolve("mvn"))) {
            Files.createSymbolicLink(bin.resolve("mvn"), oldMaven);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("KILN_MAVEN");
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("HOME", home.toString());
        // Java takes user.home from the password database, not HOME: every JVM (Kiln, Maven, the function) gets it here.
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        pb.environment().putAll(extra);
        return pb.start();
    }

    static List<String> script(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("kiln").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static JsonNode function(Path project, String name) throws Exception {
        JsonNode dev = JSON.readTree(project.resolve(".kiln/dev.json").toFile());
        JsonNode rows = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(dev.path("admin").asText() + "/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode row : rows) {
            if (row.path("kind").asText().equals("Function") && row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no Function " + name + " in " + rows);
    }

    /** Waits until the function is ready, then sends it an event and expects it taken. */
    static void serves(Path project, Path out, String name) throws Exception {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!Files.exists(project.resolve(".kiln/dev.json"))) {
                return false;
            }
            JsonNode row = function(project, name);
            assertThat(row.path("reason").asText()).as(Files.readString(out)).isNotIn("BuildFailed", "MavenNotSupported");
            return row.path("ready").asText().equals("True") && row.path("reason").isNull();
        });
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(function(project, name).path("url").asText()))
                .header("ce-specversion", "1.0").header("ce-id", "fresh-1").header("ce-source", "/it").header("ce-type", "com.example.hello")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"message\":\"hi\"}");
    }

    /** {@code ./kiln dev .} in the project, until the function answers an event; then SIGTERM. */
    static void kilnDevUntilItServes(Path project, Path home, Path out) throws Exception {
        Process kiln = start(project, home, out, script("dev", ".", "--port", "0"), Map.of());
        try {
            serves(project, out, "hello");
        } finally {
            stop(kiln);
        }
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void kilnDevFirstOnAnEmptyMachineWritesNothingIntoM2(@TempDir Path dir) throws Exception {
        Path home = freshHome(dir, null);
        kilnDevUntilItServes(newProject(dir, home), home, dir.resolve("out.txt"));
        assertThat(home.resolve(".m2/repository")).as("Kiln wrote into ~/.m2").doesNotExist();
        assertThat(home.resolve(".cache/kiln/maven-repository/org/apache/maven/plugins")).as("what the build downloaded").isDirectory();
    }

    @Test
    void afterMvnwVerifyTheFunctionBuildsFromM2AndNothingOfKilnGoesIntoIt(@TempDir Path dir) throws Exception {
        Path home = freshHome(dir, BUILD_REPOSITORY);
        Path kilnArtifacts = BUILD_REPOSITORY.resolve("dev/kiln");
        String before = Files.exists(kilnArtifacts) ? digest(kilnArtifacts) : "none";
        kilnDevUntilItServes(newProject(dir, home), home, dir.resolve("out.txt"));
        assertThat(Files.exists(kilnArtifacts) ? digest(kilnArtifacts) : "none").as("Kiln's artifacts in ~/.m2").isEqualTo(before);
        assertThat(home.resolve(".cache/kiln/maven-repository/org/apache/maven/plugins")).as("downloaded what ~/.m2 had").doesNotExist();
    }

    @Test
    void withoutTheScriptMaven38OnThePathIsRefusedSayingWhichMavenItNeeds(@TempDir Path dir) throws Exception {
        Path home = freshHome(dir, null);
        Path project = newProject(dir, home);
        Path out = dir.resolve("out.txt");
        Path jar;
        try (Stream<Path> jars = Files.list(ROOT.resolve("cli/target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("kiln-cli-.*\\.jar")).findFirst().orElseThrow();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process kiln = start(project, home, out, List.of(java, "-jar", jar.toString(), "dev", ".", "--port", "0"), Map.of());
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> Files.readString(out).contains("MavenNotSupported"));
            assertThat(Files.readString(out)).contains("Maven 3.8", "is too old for Kiln's function builds: they need Maven 3.9.0 or later",
                    "KILN_MAVEN");
        } finally {
            stop(kiln);
        }
    }

    /** A digest of every file's path and bytes under a directory (symbolic links not followed). */
    static String digest(Path dir) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                sha.update(dir.relativize(f).toString().getBytes());
                sha.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
