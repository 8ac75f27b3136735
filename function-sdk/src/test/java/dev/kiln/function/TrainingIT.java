package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.function.fixtures.Greeter;
import dev.kiln.function.launch.ArchiveTrainer;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.function.launch.JvmCommand;
import dev.kiln.function.runtime.FunctionMain;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packages the Greeter fixture as a function directory (app.jar + lib/), trains it with each JDK found on the
 * machine (the one running the tests, and a JDK 25+ under /usr/lib/jvm or {@code KILN_JDK25_HOME}), then
 * serves it with the archive and checks the start-up path: the SDK's, the function's and its generated codec's
 * classes mapped from the archive, the class path facts training wrote used (no jar opened to find the
 * function), and no Jackson class loaded before the first reply.
 */
class TrainingIT {

    @TempDir
    static Path app;

    @BeforeAll
    static void packageFunction() throws IOException {
        Path lib = Files.createDirectories(app.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        Path sdk = Paths.get(URI.create(CloudFunction.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        classPath.add(copyOrPack(sdk, lib.resolve("kiln-function-sdk.jar"), "dev/kiln/function/", null));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String file = Path.of(entry).getFileName().toString();
            if (file.endsWith(".jar") && (file.startsWith("cloudevents-") || file.startsWith("jackson-"))) {
                classPath.add(copyOrPack(Path.of(entry), lib.resolve(file), null, null));
            }
        }
        Path fixtures = Paths.get(URI.create(Greeter.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        // found through ServiceLoader, as a user's function is
        classPath.add(copyOrPack(fixtures, lib.resolve("greeter.jar"), "dev/kiln/function/fixtures/", Greeter.class.getName()));

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FunctionMain.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream out = Files.newOutputStream(app.resolve(JvmCommand.APP_JAR))) {
            new JarOutputStream(out, manifest).close();
        }
    }

    static Stream<Arguments> runtimes() {
        List<Arguments> found = new ArrayList<>();
        found.add(Arguments.of(JavaRuntime.current()));
        String configured = System.getenv("KILN_JDK25_HOME");
        Stream<Path> candidates = configured != null ? Stream.of(Path.of(configured)) : listJvms();
        candidates.filter(p -> Files.isRegularFile(p.resolve("release"))).map(JavaRuntime::at)
                .filter(j -> j.feature() >= 25).findFirst().ifPresent(j -> found.add(Arguments.of(j)));
        return found.stream();
    }

    @ParameterizedTest(name = "Java {0}")
    @MethodSource("runtimes")
    void trainedArchiveIsWrittenAndMappedOnTheNextStart(JavaRuntime java) throws Exception {
        Path archive = JvmCommand.archive(java, app);
        Files.deleteIfExists(archive);

        Path trainLog = app.resolve("train-" + java.feature() + ".log");
        Process training = start(JvmCommand.train(java, app, 20), trainLog, 0);
        assertThat(training.waitFor(120, TimeUnit.SECONDS)).as("training finished").isTrue();
        assertThat(training.exitValue()).as(Files.readString(trainLog)).isZero();
        assertThat(Files.readString(trainLog)).contains("trained greeter with 20 events").doesNotContain("refused");
        assertThat(archive).isRegularFile();
        assertThat(Files.size(archive)).isGreaterThan(100_000);
        assertThat(app.resolve("kiln-training.facts")).content().contains("function=" + Greeter.class.getName())
                .contains("validators=false").contains("jar=");

        List<String> command = JvmCommand.run(java, app, List.of("-Xlog:class+load=info"));
        assertThat(command).anyMatch(arg -> arg.endsWith(archive.toString()));
        servesFromTheArchive(command, app.resolve("run-" + java.feature() + ".log"));
    }

    /** A jar that changed after training makes the facts stale: the runtime looks the class path up again. */
    @ParameterizedTest(name = "Java {0}")
    @MethodSource("runtimes")
    void staleFactsAreNotUsed(JavaRuntime java) throws Exception {
        Path copy = Files.createDirectories(app.resolveSibling(app.getFileName() + "-stale-" + java.feature()));
        try (Stream<Path> files = Files.walk(app)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".log")).toList()) {
                Path target = copy.resolve(app.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Process training = start(JvmCommand.train(java, copy, 2), copy.resolve("train.log"), 0);
        assertThat(training.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(training.exitValue()).as(Files.readString(copy.resolve("train.log"))).isZero();
        Path jar = copy.resolve("lib/greeter.jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertThat(serve(JvmCommand.run(java, copy, List.of()), copy.resolve("run.log"))).contains("looking the class path up");
    }

    /**
     * A jar whose own manifest adds to the class path: training cannot name every jar the facts would stand for, so it
     * writes none, and each start looks the class path up.
     */
    @Test
    void noFactsAreWrittenWhenAJarsManifestAddsToTheClassPath() throws Exception {
        Path copy = Files.createDirectories(app.resolveSibling(app.getFileName() + "-nested"));
        try (Stream<Path> files = Files.walk(app)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".jar")).toList()) {
                Path target = copy.resolve(app.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path greeter = copy.resolve("lib/greeter.jar");
        Path nested = copy.resolve("lib/greeter-nested.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "more.jar");
        try (JarFile in = new JarFile(greeter.toFile()); JarOutputStream out = new JarOutputStream(Files.newOutputStream(nested), manifest)) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                if (!e.getName().equals(JarFile.MANIFEST_NAME)) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        Files.move(nested, greeter, StandardCopyOption.REPLACE_EXISTING);
        JavaRuntime java = JavaRuntime.current();
        Process training = start(JvmCommand.train(java, copy, 2), copy.resolve("train.log"), 0);
        assertThat(training.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(training.exitValue()).as(Files.readString(copy.resolve("train.log"))).isZero();
        assertThat(Files.readString(copy.resolve("train.log"))).contains("no kiln-training.facts written");
        assertThat(copy.resolve("kiln-training.facts")).doesNotExist();
    }

    /** What an image's build does (MavenDockerfile): ArchiveTrainer in the runtime's JVM, then java @jvm.args. */
    @ParameterizedTest(name = "Java {0}")
    @MethodSource("runtimes")
    void archiveTrainerTrainsForItsOwnRuntimeAndWritesTheOptionsThatMapIt(JavaRuntime java) throws Exception {
        Path archive = JvmCommand.archive(java, app);
        Files.deleteIfExists(archive);
        Files.deleteIfExists(app.resolve(ArchiveTrainer.OPTIONS_FILE));

        Path trainLog = app.resolve("trainer-" + java.feature() + ".log");
        Process training = start(List.of(java.java().toString(), "-cp", app.resolve(JvmCommand.APP_JAR).toString(),
                ArchiveTrainer.class.getName(), app.toString(), "--rounds=20"), trainLog, 0);
        assertThat(training.waitFor(120, TimeUnit.SECONDS)).as("training finished").isTrue();
        assertThat(training.exitValue()).as(Files.readString(trainLog)).isZero();
        assertThat(Files.readString(trainLog)).contains("trained greeter with 20 events");
        assertThat(archive).isRegularFile();
        assertThat(app.resolve(ArchiveTrainer.OPTIONS_FILE)).hasContent(java.archiveKind().readFlag() + archive);
        try (Stream<Path> jars = Files.walk(app)) {
            assertThat(jars.filter(f -> f.toString().endsWith(".jar")).map(f -> f.toFile().lastModified()))
                    .as("the class path has the time a reproducible image gives it").isNotEmpty().containsOnly(0L);
        }

        servesFromTheArchive(List.of(java.java().toString(), "@" + app.resolve(ArchiveTrainer.OPTIONS_FILE), "-Xlog:class+load=info",
                "-jar", app.resolve(JvmCommand.APP_JAR).toString()), app.resolve("trainer-run-" + java.feature() + ".log"));
    }

    /**
     * Serves the trained function and checks the start-up path: the SDK's, the function's and its generated codec's
     * classes mapped from the archive, and no SDK class from anywhere else, no Jackson class loaded before the first reply, and the function found in the
     * facts training wrote (no jar opened to find it).
     */
    private static void servesFromTheArchive(List<String> command, Path runLog) throws Exception {
        String classLoading = serve(command, runLog);
        assertThat(classLoading).as("the archive was mapped")
                .containsPattern("dev\\.kiln\\.function\\.runtime\\.FunctionServer source: shared objects file")
                .containsPattern("dev\\.kiln\\.function\\.fixtures\\.Greeter source: shared objects file")
                .containsPattern("dev\\.kiln\\.function\\.fixtures\\.Greeter_KilnCodec source: shared objects file");
        // Every SDK class the start, the first event and the drain use was trained: one loaded from the jar (a class
        // only serving used, a lambda spun at run time) is parsed, linked and allocated for on a cold start's path.
        assertThat(classLoading.lines().filter(line -> line.contains(" dev.kiln.function.") && line.contains(" source: ")
                && !line.contains("source: shared objects file")))
                .as("SDK classes loaded outside the archive").isEmpty();
        assertThat(classLoading).as("bound by the generated codec: Jackson is not loaded").doesNotContain("com.fasterxml.jackson");
        assertThat(classLoading).as("the function was found in the facts training wrote").doesNotContain("looking the class path up");
    }

    /** Serves the function, checks one reply and returns the process's output. */
    private static String serve(List<String> command, Path runLog) throws Exception {
        int port = freePort();
        Process serving = start(command, runLog, port);
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(base.resolve("/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(base).header("ce-specversion", "1.0")
                    .header("ce-id", "1").header("ce-source", "/t").header("ce-type", "dev.kiln.hello")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"cds\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.body()).contains("Hello, cds");
        } finally {
            serving.destroy();
            serving.waitFor(20, TimeUnit.SECONDS);
        }
        // SIGTERM drains and exits 0, as Knative expects; the class-load log then covers the drain too.
        assertThat(serving.isAlive()).as("still running 20 s after SIGTERM").isFalse();
        assertThat(serving.exitValue()).as(Files.readString(runLog)).isZero();
        assertThat(Files.readString(runLog)).contains("drained; exiting");
        return Files.readString(runLog);
    }

    private static Process start(List<String> command, Path log, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("KILN_HOST", "127.0.0.1");
        return pb.start();
    }

    private static Stream<Path> listJvms() {
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            return jvms.sorted().toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    /**
     * Copies a jar, or packs a class directory (only entries under {@code prefix}) into one, listing
     * {@code function} for ServiceLoader when given.
     */
    private static String copyOrPack(Path source, Path jar, String prefix, String function) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.copy(source, jar);
        } else {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = source.relativize(file).toString().replace('\\', '/');
                    if (name.startsWith(prefix)) {
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(file, out);
                        out.closeEntry();
                    }
                }
                if (function != null) {
                    out.putNextEntry(new JarEntry("META-INF/services/" + CloudFunction.class.getName()));
                    out.write((function + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return "lib/" + jar.getFileName();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
