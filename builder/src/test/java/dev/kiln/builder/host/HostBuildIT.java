package dev.kiln.builder.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.builder.git.GitCredentials;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.function.launch.JvmCommand;
import dev.kiln.testing.git.GitHttpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host builds with real Maven (Kiln's own wrapper) of {@code examples/functions/greeter}, committed to a repository
 * served over smart HTTP; each built function is started and answers an event. The SDK comes from a repository
 * staged from the SDK's jar and chained behind the user's, and Maven's local repository is a temporary one with
 * {@code ~/.m2/repository} behind it, so the tests never write to {@code ~/.m2}.
 */
class HostBuildIT {

    static final Path GREETER = Path.of("..", "examples", "functions", "greeter").toAbsolutePath().normalize();
    static final Path MVNW = Path.of("..", "mvnw").toAbsolutePath().normalize();
    static final Path USER_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path dir;
    static GitHttpServer server;
    static GitHttpServer.Repo repo;
    static RevCommit greeter;
    static Path sdkJar;
    static HostBuilder builder;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Path served = Files.createDirectories(dir.resolve("served/public"));
        server = new GitHttpServer(served.getParent());
        repo = server.new Repo("public/functions.git");
        greeter = repo.commitTree("the greeter", GREETER, "greeter");
        sdkJar = sdkJar();
        Path sdkRepo = dir.resolve("sdk-repository");
        LocalArtifacts.stage(sdkRepo, sdkJar);
        builder = new HostBuilder(new HostBuilder.Config(dir.resolve("cache"), new MavenCommand(List.of(MVNW.toString())),
                List.of(sdkRepo, USER_REPOSITORY), dir.resolve("m2"), JavaRuntime.current(), 10, 2, Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (builder != null) {
            builder.close();
        }
        repo.close();
        server.close();
    }

    /** The SDK jar this build made: the test class path has it, or its classes directory beside it. */
    static Path sdkJar() throws Exception {
        Path location = Path.of(JvmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = location.getParent().resolve("kiln-function-sdk-" + dev.kiln.builder.BuilderVersion.CURRENT + ".jar");
        assertThat(jar).as("package function-sdk first (./mvnw verify builds it before the builder)").isRegularFile();
        return jar;
    }

    static HostBuilder.Request request(RevCommit commit) {
        return new HostBuilder.Request(server.url("public/functions.git"), commit.name(), "greeter", null, GitCredentials.NONE, TIMEOUT);
    }

    @Test
    void buildsTheGreeterFromGitAndItAnswers() throws Exception {
        RecordingLog log = new RecordingLog();
        HostBuild build = builder.build(request(greeter), log).get(5, TimeUnit.MINUTES);

        assertThat(build.cached()).isFalse();
        assertThat(build.commit()).isEqualTo(greeter.name());
        assertThat(build.mainClass()).isEqualTo("dev.kiln.function.runtime.FunctionMain");
        assertThat(build.classPath().get(0)).isEqualTo(build.appDir().resolve("app.jar"));
        assertThat(build.classPath()).allSatisfy(jar -> assertThat(jar).isRegularFile())
                .contains(build.appDir().resolve("lib/kiln-function-sdk-" + dev.kiln.builder.BuilderVersion.CURRENT + ".jar"));
        assertThat(build.appDir().resolve("lib/kiln-function-sdk-" + dev.kiln.builder.BuilderVersion.CURRENT + ".jar"))
                .as("the SDK came from the staged repository").hasSameBinaryContentAs(sdkJar);
        assertThat(build.archive()).isEqualTo(JvmCommand.archive(JavaRuntime.current(), build.appDir())).isRegularFile();
        assertThat(log.steps().get(0)).startsWith("source: fetching " + server.url("public/functions.git"));
        assertThat(log.steps()).contains("maven: mvn package (offline)", "maven: compiler:compile @ greeter",
                "maven: dependency:copy-dependencies @ greeter",
                "train: training the " + (JavaRuntime.current().feature() >= 25 ? "AOT cache" : "AppCDS archive") + " for Java "
                        + JavaRuntime.current().feature()).noneMatch(s -> s.contains("online"));
        assertThat(log.steps().get(log.steps().size() - 1)).startsWith("done: built " + greeter.name().substring(0, 12));
        assertThat(log.lines()).contains("[INFO] BUILD SUCCESS");
        assertThat(Files.readString(build.log())).contains("[INFO] BUILD SUCCESS", "trained greeter");

        assertThat(serve(build, "Kiln")).contains("\"message\":\"Hello, Kiln!\"");

        // A key that was built is never built again.
        RecordingLog again = new RecordingLog();
        HostBuild cached = builder.build(request(greeter), again).get(5, TimeUnit.SECONDS);
        assertThat(cached.cached()).isTrue();
        assertThat(cached.appDir()).isEqualTo(build.appDir());
        assertThat(cached.archive()).isEqualTo(build.archive());
        assertThat(cached.classPath()).isEqualTo(build.classPath());
        assertThat(again.lines()).isEmpty();
        assertThat(again.steps()).isEmpty();
    }

    @Test
    void anOlderSdkInTheUsersRepositoryDoesNotWin() throws Exception {
        // What `mvn install` of an older Kiln left in ~/.m2: an SDK snapshot without a class; a build that used it fails.
        Path stale = dir.resolve("stale-m2");
        Path old = Files.createDirectories(stale.resolve("dev/kiln/kiln-function-sdk/" + dev.kiln.builder.BuilderVersion.CURRENT));
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(old.resolve("kiln-function-sdk-" + dev.kiln.builder.BuilderVersion.CURRENT + ".jar")))) {
            jar.putNextEntry(new java.util.jar.JarEntry("META-INF/old-kiln"));
        }
        Files.writeString(old.resolve("kiln-function-sdk-" + dev.kiln.builder.BuilderVersion.CURRENT + ".pom"), """
                <project><modelVersion>4.0.0</modelVersion><groupId>dev.kiln</groupId><artifactId>kiln-function-sdk</artifactId>
                <version>%s</version></project>
                """.formatted(dev.kiln.builder.BuilderVersion.CURRENT));
        // The order Kiln uses (MavenRepositories): its own repository, the SDK, then the user's (the stale one, then the warm one).
        try (HostBuilder own = new HostBuilder(new HostBuilder.Config(dir.resolve("cache-stale"), new MavenCommand(List.of(MVNW.toString())),
                List.of(dir.resolve("sdk-repository"), stale, USER_REPOSITORY), dir.resolve("m2"), JavaRuntime.current(), 0, 1, Map.of()))) {
            HostBuild build = own.build(request(greeter), BuildLog.NONE).get(5, TimeUnit.MINUTES);
            assertThat(build.appDir().resolve("lib/kiln-function-sdk-" + dev.kiln.builder.BuilderVersion.CURRENT + ".jar")).hasSameBinaryContentAs(sdkJar);
        }
    }

    @Test
    void aWorkingTreeIsBuiltAsItIsWithoutTouchingItsTarget() throws Exception {
        Path tree = dir.resolve("tree/greeter");
        for (Path relative : WorkingTree.files(GREETER)) {
            Files.createDirectories(tree.resolve(relative.toString()).getParent());
            Files.copy(GREETER.resolve(relative), tree.resolve(relative.toString()));
        }
        Path source = tree.resolve("src/main/java/dev/kiln/examples/greeter/Greeter.java");
        Files.writeString(source, Files.readString(source).replace("\"en\", \"Hello\"", "\"en\", \"Hi\"")); // not committed anywhere
        HostBuilder.TreeRequest request = new HostBuilder.TreeRequest(tree, null, TIMEOUT);
        HostBuild build = builder.buildTree(request, BuildLog.NONE).get(5, TimeUnit.MINUTES);
        assertThat(build.commit()).startsWith("tree:");
        assertThat(build.archive()).as("the caller trains the jars' archive").isNull();
        assertThat(build.classes().resolve("dev/kiln/examples/greeter/Greeter.class")).isRegularFile();
        assertThat(build.classes().resolve("META-INF/services/dev.kiln.function.CloudFunction")).isRegularFile();
        assertThat(tree.resolve("target")).as("Maven ran on a copy").doesNotExist();
        assertThat(serve(build, "Kiln")).contains("\"message\":\"Hi, Kiln!\"");
        assertThat(builder.buildTree(request, BuildLog.NONE).get(1, TimeUnit.MINUTES).cached()).as("same contents, same build").isTrue();
        assertThat(dir.resolve("cache/work")).isEmptyDirectory();
    }

    @Test
    void aChangedCommitIsRebuiltOnceForConcurrentCallersAndServesTheNewCode() throws Exception {
        Path source = repo.workTree().resolve("greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java");
        String code = Files.readString(source);
        assertThat(code).contains("\"en\", \"Hello\"");
        RevCommit changed = repo.commit("say howdy", "greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java",
                code.replace("\"en\", \"Hello\"", "\"en\", \"Howdy\""));
        try {
            RecordingLog a = new RecordingLog();
            RecordingLog b = new RecordingLog();
            CompletableFuture<HostBuild> one = builder.build(request(changed), a);
            CompletableFuture<HostBuild> two = builder.build(request(changed), b);
            HostBuild build = one.get(5, TimeUnit.MINUTES);
            assertThat(two.get(5, TimeUnit.SECONDS)).isEqualTo(build);
            assertThat(b.lines()).as("the second caller joined the first build").isEmpty();
            assertThat(build.key()).isNotEqualTo(request(greeter).key());
            assertThat(serve(build, "Ada")).contains("\"message\":\"Howdy, Ada!\"");
        } finally {
            repo.commit("back to hello", "greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java", code);
        }
    }

    @Test
    void aCompileErrorFailsWithTheCompilersMessageAndMavensOutput() throws Exception {
        RevCommit broken = repo.commit("broken", "broken/pom.xml", Files.readString(GREETER.resolve("pom.xml")),
                "broken/src/main/java/Broken.java", "class Broken { int x = ; }");
        HostBuilder.Request request = new HostBuilder.Request(server.url("public/functions.git"), broken.name(), "broken",
                null, GitCredentials.NONE, TIMEOUT);
        assertThatThrownBy(() -> builder.build(request, BuildLog.NONE).get(5, TimeUnit.MINUTES))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(HostBuildException.class, e -> {
                    assertThat(e.reason()).isEqualTo("BuildFailed");
                    // The compiler's error first, with the file and line as javac prints them.
                    assertThat(e.getMessage()).startsWith("mvn package failed (exit 1): src/main/java/Broken.java:1: error: ");
                    assertThat(String.join("\n", e.logTail())).contains("COMPILATION ERROR", "Broken.java");
                });
        assertThat(builder.cached(request.key())).as("a failure is not a build").isNull();
        assertThat(Files.readString(dir.resolve("cache/logs/" + request.key() + ".log"))).contains("BUILD FAILURE");
    }

    @Test
    void aDependencyMissingOfflineIsFetchedOnline() throws Exception {
        // jspecify 0.3.0 is tiny and nothing else in Kiln uses it; it goes into the test's own local repository.
        assertThat(USER_REPOSITORY.resolve("org/jspecify/jspecify/0.3.0")).as("this test needs an artifact ~/.m2 does not have").doesNotExist();
        String pom = Files.readString(GREETER.resolve("pom.xml")).replace("  <dependencies>\n", """
                  <dependencies>
                    <dependency>
                      <groupId>org.jspecify</groupId>
                      <artifactId>jspecify</artifactId>
                      <version>0.3.0</version>
                    </dependency>
                """);
        repo.commitTree("the greeter, copied", GREETER, "more");
        RevCommit more = repo.commit("one more dependency", "more/pom.xml", pom);
        RecordingLog log = new RecordingLog();
        HostBuilder.Request request = new HostBuilder.Request(server.url("public/functions.git"), more.name(), "more",
                null, GitCredentials.NONE, TIMEOUT);
        HostBuild build = builder.build(request, log).get(5, TimeUnit.MINUTES);
        assertThat(log.steps()).contains("maven: mvn package (offline)",
                "maven: mvn package (online: dependencies missing from the local repository)");
        assertThat(build.classPath()).contains(build.appDir().resolve("lib/jspecify-0.3.0.jar"));
    }

    @Test
    void theDockerfileStrategyNeedsACluster() throws Exception {
        RevCommit docker = repo.commit("a container function", "docker/Dockerfile", "FROM scratch\n");
        HostBuilder.Request request = new HostBuilder.Request(server.url("public/functions.git"), docker.name(), "docker",
                null, GitCredentials.NONE, TIMEOUT);
        assertThatThrownBy(() -> builder.build(request, BuildLog.NONE).get(1, TimeUnit.MINUTES))
                .cause().isInstanceOfSatisfying(HostBuildException.class, e -> {
                    assertThat(e.reason()).isEqualTo("StrategyNotSupported");
                    assertThat(e.getMessage()).contains("the dockerfile strategy needs a container builder");
                });
    }

    @Test
    void aContextWithNothingToBuildSaysWhatWasLookedFor() throws Exception {
        RevCommit docs = repo.commit("docs only", "docs/README.md", "# docs\n");
        HostBuilder.Request request = new HostBuilder.Request(server.url("public/functions.git"), docs.name(), "docs",
                null, GitCredentials.NONE, TIMEOUT);
        assertThatThrownBy(() -> builder.build(request, BuildLog.NONE).get(1, TimeUnit.MINUTES))
                .cause().isInstanceOfSatisfying(HostBuildException.class, e -> {
                    assertThat(e.reason()).isEqualTo("SourcePreparationFailed");
                    assertThat(e.getMessage()).startsWith("no build strategy: the context directory has no Dockerfile and no pom.xml");
                });
    }

    /** Starts the built function, sends one event, returns the reply's body and stops it. */
    static String serve(HostBuild build, String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(JvmCommand.run(JavaRuntime.current(), build.appDir(), List.of()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("function-" + port + ".log").toFile());
        pb.environment().put("PORT", Integer.toString(port));
        Process function = pb.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(base.resolve("/health/readiness")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                assertThat(function.isAlive()).as("the function is running: " + Files.readString(dir.resolve("function-" + port + ".log"))).isTrue();
                assertThat(System.nanoTime()).as("ready within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(base)
                    .header("ce-specversion", "1.0").header("ce-id", "1").header("ce-type", "dev.kiln.hello")
                    .header("ce-source", "/tests").header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            return reply.body();
        } finally {
            function.destroy();
            function.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Keeps what a build reported. */
    static final class RecordingLog implements BuildLog {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final List<String> steps = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void line(String line) {
            lines.add(line);
        }

        @Override
        public void progress(String step, String detail) {
            steps.add(step + ": " + detail);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        List<String> steps() {
            return List.copyOf(steps);
        }
    }
}
