package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.builder.resources.BuildOutcome;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.builder.resources.KanikoBuild;
import dev.kiln.cli.Kiln;
import dev.kiln.testing.containers.BaseImages;
import dev.kiln.testing.containers.Buildah;
import dev.kiln.testing.git.GitHttpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container tier: functions committed to a Git repository served over smart HTTP are built as a cluster builds
 * them, from the build Job Kiln makes ({@link Jobs#kanikoBuild}, played by {@link BuildJobRunner}: kiln-builder
 * prepare, then the Dockerfile with buildah), on base images made on this machine and configured as an operator
 * configures kiln-config (pinned by digest). Each image then runs its entry point in its own root file system and
 * answers a CloudEvent over HTTP. Skips, saying why, only where buildah or debootstrap is not installed.
 */
class ContainerBuildIT {

    static final Path REPOSITORY_ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Duration START = Duration.ofSeconds(60);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static Buildah buildah;
    static BuilderConfig config;
    static BuildJobRunner runner;
    static GitHttpServer git;
    static GitHttpServer.Repo repo;

    @BeforeAll
    static void setUp() throws Exception {
        Optional<String> unavailable = BaseImages.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "the container tier is skipped: " + unavailable.orElseThrow());
        BaseImages bases = BaseImages.get(Path.of("target", "base-images.log"));
        // Outside the clone, so that mounts a killed run leaves behind never stop ./mvnw clean; one per clone.
        buildah = Buildah.over(bases, bases.storageConf().getParent().resolve("builds")
                .resolve(java.util.HexFormat.of().formatHex(sha256(REPOSITORY_ROOT.toString())).substring(0, 12)));
        runner = new BuildJobRunner(buildah, List.of());
        // As kiln-config has them: the builder's own images are not run here (BuildJobRunner plays them), the
        // maven strategy's bases are the images made on this machine, pinned by their digests.
        config = new BuilderConfig("ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64), "ghcr.io/kiln-dev/kiln-builder@sha256:" + "2".repeat(64),
                3600, BuilderConfig.kanikoResources("1", "2Gi"), new MavenDockerfile.BaseImages(bases.build(), bases.run()));
        git = new GitHttpServer(Files.createDirectories(dir.resolve("served/public")).getParent());
        repo = git.new Repo("public/functions.git");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (buildah != null) {
            buildah.removeAll(); // what this run built; the base images stay in their cache
        }
        if (repo != null) {
            repo.close();
            git.close();
        }
    }

    @Test
    void theGreeterIsBuiltByItsJobAndAnswersACloudEvent() throws Exception {
        RevCommit commit = repo.commitTree("the greeter", REPOSITORY_ROOT.resolve("examples/functions/greeter"), "greeter");
        String image = build(plan("greeter", commit, "greeter", Strategy.MAVEN, null));

        assertThat(buildah.command(image)).containsExactly("java", "@/app/jvm.args", "-jar", "/app/app.jar");
        Served served = serve(image, "dev.kiln.hello", "{\"name\":\"Ada\"}", true);
        assertThat(served.response().statusCode()).isEqualTo(200);
        assertThat(served.response().headers().firstValue("ce-type")).contains("dev.kiln.function.greeter.reply");
        assertThat(served.response().body()).contains("\"message\":\"Hello, Ada!\"");
        assertThat(served.uid()).as("runs as the Dockerfile's user, not root").isEqualTo("65532");
        assertThat(served.output()).as("the class archive trained at build time was mapped")
                .containsPattern("dev\\.kiln\\.examples\\.greeter\\.Greeter source: shared objects file")
                .containsPattern("dev\\.kiln\\.function\\.runtime\\.FunctionMain source: shared objects file");
    }

    @Test
    void theLoggerIsBuiltAndTakesAnEvent() throws Exception {
        RevCommit commit = repo.commitTree("the logger", REPOSITORY_ROOT.resolve("examples/functions/logger"), "logger");
        String image = build(plan("logger", commit, "logger", Strategy.MAVEN, null));

        Served served = serve(image, "dev.kiln.greeting", "{\"message\":\"Hello, Ada!\"}", true);
        assertThat(served.response().statusCode()).isEqualTo(202);
        assertThat(served.output()).contains("event dev.kiln.greeting from /container-tier id 1", "data {\"message\":\"Hello, Ada!\"}")
                .containsPattern("dev\\.kiln\\.examples\\.logger\\.Logger source: shared objects file");
    }

    @Test
    void aProjectMadeByKilnNewIsBuiltAndAnswers() throws Exception {
        Path projects = Files.createDirectories(dir.resolve("new"));
        assertThat(Kiln.commandLine().execute("new", "order-audit", "--group", "com.acme", "--dir", projects.toString())).isEqualTo(Kiln.OK);
        RevCommit commit = repo.commitTree("kiln new order-audit", projects.resolve("order-audit"), "order-audit");
        String image = build(plan("order-audit", commit, "order-audit", Strategy.MAVEN, null));

        Served served = serve(image, "com.acme.order-audit", "{\"message\":\"audit me\"}", true);
        assertThat(served.response().statusCode()).isEqualTo(200);
        assertThat(served.response().body()).contains("\"message\":\"audit me\"");
        assertThat(served.output()).containsPattern("com\\.acme\\.orderaudit\\.OrderAudit source: shared objects file");
    }

    @Test
    void aDockerfileFunctionWithItsDockerfileAtACustomPathIsBuiltAndAnswers() throws Exception {
        RevCommit commit = repo.commit("a Dockerfile function", "notify/build/Containerfile", """
                FROM %s AS build
                COPY src/Echo.java /src/
                RUN javac -d /out /src/Echo.java
                FROM %s
                COPY --from=build /out /app
                USER nobody
                ENTRYPOINT ["java", "-cp", "/app", "Echo"]
                """.formatted(config.baseImages().maven(), config.baseImages().runtime()), "notify/src/Echo.java", ECHO);
        String image = build(plan("notify", commit, "notify", Strategy.DOCKERFILE, "build/Containerfile"));

        Served served = serve(image, "dev.kiln.notify", "{\"to\":\"ops\"}", false);
        assertThat(served.response().statusCode()).isEqualTo(200);
        assertThat(served.response().headers().firstValue("ce-type")).contains("dev.kiln.notify.sent");
        assertThat(served.response().body()).isEqualTo("{\"to\":\"ops\"}");
        assertThat(served.uid()).as("USER nobody").isEqualTo("65534");
    }

    /** A CloudEvent responder on the JDK's HTTP server: a function in a language Kiln knows nothing of. */
    static final String ECHO = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;

            public class Echo {
                public static void main(String[] args) throws Exception {
                    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"))), 0);
                    server.createContext("/health/readiness", x -> { x.sendResponseHeaders(200, -1); x.close(); });
                    server.createContext("/", x -> {
                        byte[] body = x.getRequestBody().readAllBytes();
                        String id = x.getRequestHeaders().getFirst("ce-id");
                        if (id == null) { x.sendResponseHeaders(415, -1); x.close(); return; }
                        x.getResponseHeaders().add("ce-specversion", "1.0");
                        x.getResponseHeaders().add("ce-id", "reply-" + id);
                        x.getResponseHeaders().add("ce-source", "/notify");
                        x.getResponseHeaders().add("ce-type", "dev.kiln.notify.sent");
                        x.getResponseHeaders().add("Content-Type", "application/json");
                        x.sendResponseHeaders(200, body.length);
                        x.getResponseBody().write(body);
                        x.close();
                    });
                    server.start();
                }
            }
            """;

    static KanikoBuild plan(String name, RevCommit commit, String contextDir, Strategy strategy, String dockerfile) throws Exception {
        String key = java.util.HexFormat.of().formatHex(sha256(name + commit.name()));
        return new KanikoBuild(name, "container-tier", "uid-" + name, git.url("public/functions.git"), commit.name(), contextDir, null, strategy,
                dockerfile, "registry.example.com/container-tier/" + name, null, key, 1200);
    }

    /** Runs the build Job and checks its outcome as the controller reads it; returns the image. */
    static String build(KanikoBuild plan) throws Exception {
        BuildJobRunner.Result result = runner.run(Jobs.kanikoBuild(plan, config), dir.resolve("jobs").resolve(plan.functionName()));
        assertThat(result.outcome().state()).as("%s: %s\n%s", plan.functionName(), result.outcome().message(), tail(result.log()))
                .isEqualTo(BuildOutcome.State.SUCCEEDED);
        assertThat(result.outcome().image()).as("the pushed image, as Kaniko names it")
                .isEqualTo(plan.image() + "@" + buildah.digest(result.image()));
        return result.image();
    }

    record Served(HttpResponse<String> response, String output, String uid) {
    }

    /** Runs the image's entry point, waits for readiness, sends one binary-mode CloudEvent, and stops it. */
    static Served serve(String image, String type, String json, boolean logClassLoading) throws Exception {
        int port = freePort();
        Map<String, String> env = new HashMap<>(Map.of("PORT", String.valueOf(port)));
        if (logClassLoading) {
            env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info");
        }
        Path log = dir.resolve("run-" + image.replaceAll("[^a-z0-9.-]", "_") + ".log");
        try (Buildah.Container container = buildah.start(image, env, log)) {
            URI base = URI.create("http://127.0.0.1:" + port);
            await().atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                if (!container.isAlive()) {
                    throw new AssertionError("the container exited:\n" + container.output());
                }
                return HTTP.send(HttpRequest.newBuilder(base.resolve("/health/readiness")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            });
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base).header("ce-specversion", "1.0").header("ce-id", "1")
                    .header("ce-source", "/container-tier").header("ce-type", type).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            String uid = container.uidOf("java");
            // The logger prints after answering: give the line a moment to reach the log.
            await().atMost(Duration.ofSeconds(5)).until(() -> response.statusCode() != 202 || container.output().contains("event " + type));
            return new Served(response, container.output(), uid);
        }
    }

    static byte[] sha256(String s) throws java.security.NoSuchAlgorithmException {
        return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
