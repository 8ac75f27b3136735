package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.builder.BuilderVersion;
import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.builder.resources.KanikoBuild;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.controller.MockCluster;
import dev.kiln.testing.containers.BaseImages;
import dev.kiln.testing.containers.Buildah;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln's own images, as {@code hack/images} builds them from this checkout (on the base images made on this
 * machine), each started in its own root file system as its Deployment or Job runs it and put to work: the
 * controller reconciles against the test cluster (the fabric8 mock API server with RBAC and Knative, as its
 * ServiceAccount) and answers its health checks; {@code kiln-builder prepare} prepares a build context from the
 * build Job's own init container; the adapter accepts a signed GitHub webhook and delivers it to a sink. Every image
 * runs as 65532 and writes nothing to its root file system but where the workloads mount an emptyDir. Skips, saying
 * why, only where buildah or debootstrap is not installed.
 */
class ImagesIT {

    static final Path REPOSITORY_ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String SOURCE = "https://git.example.org/kiln";
    static final Duration START = Duration.ofSeconds(90);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static BaseImages bases;
    static KilnImages images;
    static Buildah buildah;

    @BeforeAll
    static void build() throws Exception {
        var unavailable = BaseImages.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "Kiln's images are not built: " + unavailable.orElseThrow());
        long started = System.nanoTime();
        bases = BaseImages.get(Path.of("target", "base-images.log"));
        long basesSeconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        images = KilnImages.build(KilnImages.testStorage(bases, REPOSITORY_ROOT), SOURCE, Path.of("target", "images.log"));
        buildah = images.buildah();
        report("base images " + basesSeconds + " s (made or found in the cache), hack/images " + images.seconds() + " s");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (buildah != null) {
            buildah.removeAll(); // the containers this run left; the images stay, as the next run's layer cache
        }
    }

    @Test
    void everyImageRunsAsANonRootUserAndCarriesItsSourceRevisionAndVersion() throws Exception {
        String head = git("rev-parse", "HEAD");
        for (var image : images.all().entrySet()) {
            assertThat(buildah.user(image.getValue())).as(image.getKey()).isEqualTo("65532:65532");
            assertThat(buildah.labels(image.getValue()).get("org.opencontainers.image.description")).as("its own, not the base's")
                    .isNotBlank().doesNotContain("base image");
            for (Map<String, String> metadata : List.of(buildah.labels(image.getValue()), buildah.annotations(image.getValue()))) {
                assertThat(metadata).as(image.getKey()).containsEntry("org.opencontainers.image.source", SOURCE)
                        .containsEntry("org.opencontainers.image.version", BuilderVersion.CURRENT)
                        .containsEntry("org.opencontainers.image.title", image.getKey())
                        .containsEntry("org.opencontainers.image.base.name", bases.run().substring(0, bases.run().indexOf('@')))
                        .containsEntry("org.opencontainers.image.base.digest", bases.run().substring(bases.run().indexOf('@') + 1));
                assertThat(metadata.get("org.opencontainers.image.revision")).as(image.getKey()).isIn(head, head + "-dirty");
            }
        }
    }

    @Test
    void theSameArtifactsMakeTheSameImagesInAnEmptyStorage() throws Exception {
        Path fresh = dir.resolve("fresh-storage");
        KilnImages again = KilnImages.build(fresh, SOURCE, dir.resolve("images-again.log"));
        try {
            assertThat(again.all()).isEqualTo(images.all());
        } finally {
            again.buildah().removeAll();
        }
    }

    @Test
    void theControllerImageReconcilesAsItsServiceAccountAndAnswersItsHealthChecks() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            int port = freePort();
            Map<String, String> env = new LinkedHashMap<>(installedConfig());
            env.putAll(Map.of(
                    // What a Pod's service account gives fabric8 in a cluster: the API server, the identity, the namespace.
                    "KUBERNETES_MASTER", cluster.client().getConfiguration().getMasterUrl(),
                    "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                    "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
                    "KUBERNETES_IMPERSONATE_USERNAME", MockCluster.CONTROLLER_USER,
                    "KUBERNETES_NAMESPACE", "kiln-system",
                    "QUARKUS_HTTP_PORT", String.valueOf(port)));
            // As config/500-controller.yaml mounts them: emptyDirs on /tmp and the Git cache; the rest is read-only.
            Map<String, Path> volumes = Map.of("/tmp", emptyDir("controller-tmp"), "/var/cache/kiln", emptyDir("controller-git-cache"));
            try (Buildah.Container controller = buildah.start(images.controller(), List.of(), env, volumes, dir.resolve("controller.log"))) {
                URI base = URI.create("http://127.0.0.1:" + port);
                for (String probe : List.of("/q/health/started", "/q/health/ready", "/q/health/live")) {
                    await().atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                        assertThat(controller.isAlive()).as("the controller exited:\n%s", controller.output()).isTrue();
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(probe)).build(), HttpResponse.BodyHandlers.ofString());
                        return r.statusCode() == 200 && r.body().contains("\"UP\"");
                    });
                }
                // It reconciles: a Function with an invalid spec gets Ready=False, InvalidSpec, from the image's controller.
                Function f = new Function();
                f.setMetadata(new ObjectMetaBuilder().withNamespace("images").withName("broken").build());
                f.setSpec(new FunctionSpec());
                f.getSpec().source = new FunctionSource();
                f.getSpec().source.git = new GitSource();
                f.getSpec().source.git.url = "ftp://example.org/functions.git";
                cluster.client().resource(f).create();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Function now = cluster.client().resources(Function.class).inNamespace("images").withName("broken").get();
                    Condition ready = now.getStatus() == null ? null : now.getStatus().condition("Ready").orElse(null);
                    assertThat(ready).isNotNull();
                    assertThat(ready.reason).isEqualTo("InvalidSpec");
                    assertThat(ready.message).contains("spec.source.git.url");
                });
                // Leader election (the prod profile, as the image runs): the Lease is taken and renewed, as its RBAC allows.
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.requests().stream()
                        .anyMatch(r -> r.toString().equals("patch coordination.k8s.io/leases in kiln-system named kiln-controller")));
                assertThat(controller.uidOf("java")).isEqualTo("65532");
                assertThat(cluster.requests()).as("the controller called the API server as its ServiceAccount").isNotEmpty()
                        .allSatisfy(r -> assertThat(r.user()).isEqualTo(MockCluster.CONTROLLER_USER));
                assertThat(cluster.denied()).as("requests config/'s RBAC refused").isEmpty();
                controller.stop();
                assertThat(controller.rootFileSystemWrites()).as("written outside its emptyDirs").isEmpty();
            }
        }
    }

    @Test
    void kilnBuilderPreparesAContextAsTheBuildJobsInitContainer() throws Exception {
        GitHttpServer git = new GitHttpServer(Files.createDirectories(dir.resolve("served/public")).getParent());
        try (git; GitHttpServer.Repo repo = git.new Repo("public/functions.git")) {
            RevCommit commit = repo.commitTree("the greeter", REPOSITORY_ROOT.resolve("examples/functions/greeter"), "greeter");
            BuilderConfig config = new BuilderConfig("ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64), images.builder(), 3600,
                    BuilderConfig.kanikoResources("1", "2Gi"), new MavenDockerfile.BaseImages(bases.build(), bases.run()));
            KanikoBuild plan = new KanikoBuild("greeter", "images", "uid-greeter", git.url("public/functions.git"), commit.name(), "greeter", null,
                    Strategy.MAVEN, null, "registry.example.com/images/greeter", null, hash("greeter" + commit.name()), 1200);
            Job job = Jobs.kanikoBuild(plan, config);
            Container init = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
            assertThat(init.getImage()).isEqualTo(images.builder());
            assertThat(init.getSecurityContext().getRunAsUser()).as("the Job's user is the image's").isEqualTo(65532L);

            Path workspace = emptyDir("workspace");
            Map<String, Path> volumes = new LinkedHashMap<>();
            for (VolumeMount m : init.getVolumeMounts()) {
                volumes.put(m.getMountPath(), workspace);
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (EnvVar e : init.getEnv()) {
                if (e.getValue() != null) {
                    env.put(e.getName(), e.getValue()); // the optional keys of a Secret the Function does not name stay unset
                }
            }
            try (Buildah.Container prepare = buildah.start(init.getImage(), init.getArgs(), env, volumes, dir.resolve("prepare.log"))) {
                assertThat(prepare.waitFor(Duration.ofMinutes(2))).as(prepare.output()).isZero();
                assertThat(prepare.output()).contains("prepared " + git.url("public/functions.git") + " at " + commit.name() + " (maven)");
                assertThat(workspace.resolve("pom.xml")).exists();
                assertThat(workspace.resolve("Dockerfile.kiln")).content().contains("FROM " + bases.build(), "FROM " + bases.run());
                String sdk = "kiln-function-sdk-" + BuilderVersion.CURRENT + ".jar";
                Path staged = workspace.resolve(".kiln-repository/dev/kiln/kiln-function-sdk").resolve(BuilderVersion.CURRENT).resolve(sdk);
                assertThat(staged).as("the SDK the image carries, staged for the maven build")
                        .hasSameBinaryContentAs(REPOSITORY_ROOT.resolve("function-sdk/target").resolve(sdk));
                assertThat(Files.getAttribute(workspace.resolve("Dockerfile.kiln"), "unix:uid")).as("written as the image's user").isEqualTo(65532);
                assertThat(prepare.rootFileSystemWrites()).as("only its temporary Git cache").allSatisfy(p -> assertThat(p).startsWith("tmp/"));
            }
        }
    }

    @Test
    void theAdapterImageDeliversASignedGitHubWebhookToItsSink() throws Exception {
        LinkedBlockingQueue<Delivery> delivered = new LinkedBlockingQueue<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/", x -> {
            delivered.add(new Delivery(x.getRequestHeaders().getFirst("ce-type"), x.getRequestHeaders().getFirst("ce-source"),
                    x.getRequestHeaders().getFirst("ce-id"), x.getRequestBody().readAllBytes()));
            x.sendResponseHeaders(202, -1);
            x.close();
        });
        sink.start();
        try {
            String secret = "images-it-secret";
            GitHubSource source = new GitHubSource();
            source.setMetadata(new ObjectMetaBuilder().withNamespace("images").withName("hooks").build());
            source.setSpec(new GitHubSourceSpec());
            source.getSpec().repositories = List.of("acme/functions");
            source.getSpec().eventTypes = List.of("push");
            source.getSpec().secretToken = SecretValueFromSource.of("github-hook", "token");
            source.getSpec().sink = new Destination();
            String sinkUrl = "http://127.0.0.1:" + sink.getAddress().getPort() + "/";
            // The Deployment's environment, as the controller derives it; the Secret's key as the kubelet resolves it.
            AdapterEnvironment adapter = AdapterEnvironment.of(source, sinkUrl, null);
            Map<String, String> env = new LinkedHashMap<>();
            for (AdapterEnvironment.Variable v : adapter.variables()) {
                env.put(v.name(), v.fromSecret() ? Map.of("github-hook/token", secret).get(v.secretName() + "/" + v.secretKey()) : v.value());
            }
            int port = freePort();
            env.put("PORT", String.valueOf(port));
            env.put("HOST", "127.0.0.1");
            try (Buildah.Container container = buildah.start(images.eventSources(), List.of(adapter.kind()), env,
                    Map.of("/tmp", emptyDir("adapter-tmp")), dir.resolve("adapter.log"))) {
                URI base = URI.create("http://127.0.0.1:" + port);
                await().atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    assertThat(container.isAlive()).as("the adapter exited:\n%s", container.output()).isTrue();
                    return HTTP.send(HttpRequest.newBuilder(base.resolve("/health/readiness")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200;
                });
                byte[] push = """
                        {"ref":"refs/heads/main","after":"9fceb02d0ae598e95dc970b74767f19372d61af8",\
                        "repository":{"full_name":"acme/functions","html_url":"https://github.com/acme/functions",\
                        "clone_url":"https://github.com/acme/functions.git"}}""".getBytes(StandardCharsets.UTF_8);

                assertThat(webhook(base, push, sign("not-the-secret", push), "d-forged").statusCode()).as("a forged signature").isEqualTo(401);
                HttpResponse<String> accepted = webhook(base, push, sign(secret, push), "d-1");
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

                Delivery d = delivered.poll(10, TimeUnit.SECONDS);
                assertThat(d).as("delivered to the sink").isNotNull();
                assertThat(d.type()).isEqualTo("dev.knative.source.github.push");
                assertThat(d.source()).isEqualTo("https://github.com/acme/functions");
                assertThat(d.id()).isEqualTo("d-1");
                assertThat(d.body()).isEqualTo(push);
                assertThat(delivered).as("the forged delivery went nowhere").isEmpty();
                assertThat(container.uidOf("java")).isEqualTo("65532");
                container.stop();
                assertThat(container.rootFileSystemWrites()).as("written outside its /tmp emptyDir").isEmpty();
            }
        } finally {
            sink.stop(0);
        }
    }

    record Delivery(String type, String source, String id, byte[] body) {
    }

    static HttpResponse<String> webhook(URI base, byte[] body, String signature, String delivery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/")).timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery).header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GitHub's signature, computed here rather than by the adapter's own code: HMAC-SHA256 of the body, in hex. */
    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    /**
     * The controller's environment as an install gives it: {@code config/400-config.yaml}'s data, and the images an
     * overlay pins (here the ones just built, and the base images made on this machine).
     */
    static Map<String, String> installedConfig() throws IOException {
        ConfigMap config = Serialization.unmarshal(Files.readString(REPOSITORY_ROOT.resolve("config/400-config.yaml")), ConfigMap.class);
        Map<String, String> env = new LinkedHashMap<>(config.getData());
        env.put("KILN_REGISTRY", "registry.example.com/kiln");
        env.put("KILN_BUILD_EXECUTOR_IMAGE", "ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64));
        env.put("KILN_BUILD_BUILDER_IMAGE", images.builder());
        env.put("KILN_BUILD_MAVEN_IMAGE", bases.build());
        env.put("KILN_BUILD_RUNTIME_IMAGE", bases.run());
        env.put("KILN_SOURCES_ADAPTER_IMAGE", images.eventSources());
        return env;
    }

    /** A directory as a Pod's emptyDir is: empty and writable by anyone. */
    static Path emptyDir(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve("volumes").resolve(name));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    static String git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", REPOSITORY_ROOT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    static String hash(String s) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Printed and kept in target/, so the tier's cost is seen on every run. */
    static void report(String line) throws IOException {
        System.out.println("ImagesIT: " + line);
        Files.writeString(Path.of("target", "images-timing.txt"), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
