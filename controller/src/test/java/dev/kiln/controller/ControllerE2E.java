package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real cluster ({@code hack/kind-e2e} sets one up and runs this with {@code -Pe2e}): Knative
 * Serving (Kourier) and Eventing installed, Kiln installed from the overlay {@code hack/release} wrote, a registry
 * Kaniko pushes to and the nodes pull from. Skipped, saying why, unless {@code KUBECONFIG} names a file and the
 * cluster serves Knative Services, Brokers and Kiln's Functions.
 *
 * <ol>
 *   <li>A Function from a public Git repository ({@code KILN_E2E_GIT_URL} at {@code KILN_E2E_REVISION}, the
 *       greeter in {@code KILN_E2E_CONTEXT_DIR}) is built by Kaniko, serves a CloudEvent through its Knative
 *       Service (Kourier at {@code KILN_E2E_INGRESS}), scales to zero, and serves again from zero.</li>
 *   <li>A repository this test serves over smart HTTP ({@code KILN_E2E_HOST_ADDRESS}: where the cluster's pods reach
 *       this machine) holds a greeter and a logger. A GitHubSource sends to a Broker; one Trigger hands pushes to the
 *       controller's push endpoint, another to the logger. A commit that changes the greeting is pushed, and GitHub's
 *       signed webhook for it is delivered to the GitHubSource's adapter: the logger gets the event through the
 *       Broker and Trigger, and the greeter is rebuilt at the new commit and answers with the new greeting.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerE2E {

    static final String NS = "kiln-e2e-" + Long.toHexString(System.nanoTime() & 0xffffff);
    static final Duration BUILD = Duration.ofMinutes(15);
    static final String SECRET = "e2e-webhook-secret";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    static KubernetesClient client;
    static URI ingress;

    @TempDir
    static Path dir;

    @BeforeAll
    static void cluster() {
        String kubeconfig = System.getenv("KUBECONFIG");
        Assumptions.assumeTrue(kubeconfig != null && Files.isRegularFile(Path.of(kubeconfig)), "no KUBECONFIG: no cluster to test against");
        client = KilnKinds.register(new KubernetesClientBuilder().build());
        for (String crd : List.of("services.serving.knative.dev", "brokers.eventing.knative.dev", "functions.kiln.dev")) {
            Assumptions.assumeTrue(client.apiextensions().v1().customResourceDefinitions().withName(crd).get() != null,
                    crd + " is not installed (hack/kind-e2e installs Knative and Kiln)");
        }
        ingress = URI.create(env("KILN_E2E_INGRESS", "http://127.0.0.1:80"));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    static void cleanUp() {
        if (client != null) {
            client.namespaces().withName(NS).delete();
            client.close();
        }
    }

    @Test
    @Order(1)
    void aFunctionFromAPublicRepositoryIsBuiltByKanikoServesACloudEventAndScalesToZero() throws Exception {
        String url = env("KILN_E2E_GIT_URL", "https://github.com/kiln-dev/kiln.git");
        Function f = function("greeter", url, env("KILN_E2E_REVISION", "main"), env("KILN_E2E_CONTEXT_DIR", "examples/functions/greeter"), 0);
        client.resource(f).create();

        Function ready = awaitReady("greeter", null);
        assertThat(ready.getStatus().image).as("built by Kaniko and pushed by digest").contains("@sha256:");
        assertThat(jobsOf("greeter")).as("the Kaniko Job").isNotEmpty();
        assertThat(greet(ready, "Kiln").body()).contains("\"message\":\"Hello, Kiln!\"");

        // Knative scales the idle revision to zero (hack/kind-e2e shortens the autoscaler's windows) ...
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5)).until(() -> runningPods("greeter").isEmpty());
        // ... and the activator starts it again for the next event.
        HttpResponse<String> fromZero = greet(ready, "again");
        assertThat(fromZero.statusCode()).isEqualTo(200);
        assertThat(fromZero.body()).contains("Hello, again!");
    }

    @Test
    @Order(2)
    void aSignedGitHubPushReachesAFunctionThroughABrokerAndATriggerAndRebuildsTheFunctionItNames() throws Exception {
        String host = System.getenv("KILN_E2E_HOST_ADDRESS");
        Assumptions.assumeTrue(host != null, "KILN_E2E_HOST_ADDRESS is not set: no address the cluster reaches this machine at");
        Path root = Path.of("..").toAbsolutePath().normalize();
        try (GitHttpServer git = new GitHttpServer(Files.createDirectories(dir.resolve("served/e2e")).getParent(), "0.0.0.0", host);
                GitHttpServer.Repo repo = git.new Repo("e2e/functions.git")) {
            repo.commitTree("the greeter", root.resolve("examples/functions/greeter"), "greeter");
            RevCommit first = repo.commitTree("the logger", root.resolve("examples/functions/logger"), "logger");
            String url = git.url("e2e/functions.git");

            client.resource(new SecretBuilder().withNewMetadata().withNamespace(NS).withName("github-webhook").endMetadata()
                    .addToStringData("secret", SECRET).build()).create();
            client.resource(Serialization.unmarshal("""
                    apiVersion: eventing.knative.dev/v1
                    kind: Broker
                    metadata: {name: default, namespace: %s}
                    """.formatted(NS), GenericKubernetesResource.class)).create();
            client.resource(function("hello", url, "main", "greeter", 0)).create();
            client.resource(function("logger", url, "main", "logger", 1)).create(); // kept up: its log is read below
            client.resource(githubSource()).create();
            // As examples/push-rebuild-trigger.yaml: pushes go to the controller; and to the logger, a Function as a subscriber.
            client.resource(pushTrigger("kiln-push-rebuild", "{uri: http://kiln-controller.kiln-system.svc.cluster.local/events/push}")).create();
            client.resource(pushTrigger("pushes-to-logger", "{ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}}")).create();

            Function hello = awaitReady("hello", first.name());
            awaitReady("logger", first.name());
            assertThat(greet(hello, "Kiln").body()).contains("Hello, Kiln!");
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                GitHubSource s = client.resources(GitHubSource.class).inNamespace(NS).withName("hooks").get();
                Condition ready = s.getStatus() == null ? null : s.getStatus().condition("Ready").orElse(null);
                return ready != null && Condition.TRUE.equals(ready.status);
            });
            for (String trigger : List.of("kiln-push-rebuild", "pushes-to-logger")) {
                await().atMost(Duration.ofMinutes(3)).until(() -> ready(client.genericKubernetesResources("eventing.knative.dev/v1", "Trigger")
                        .inNamespace(NS).withName(trigger).get()));
            }

            Path greeter = repo.work.getRepository().getWorkTree().toPath().resolve("greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java");
            Files.writeString(greeter, Files.readString(greeter).replace("\"en\", \"Hello\"", "\"en\", \"Howdy\""));
            RevCommit pushed = repo.commit("greet like a cowboy");

            byte[] payload = """
                    {"ref":"refs/heads/main","before":"%s","after":"%s",\
                    "repository":{"full_name":"e2e/functions","html_url":"%s","clone_url":"%s"},\
                    "head_commit":{"id":"%s","message":"greet like a cowboy"}}"""
                    .formatted(first.name(), pushed.name(), url.replaceAll("\\.git$", ""), url, pushed.name()).getBytes(StandardCharsets.UTF_8);
            try (LocalPortForward adapter = client.services().inNamespace(NS).withName("hooks-githubsource").portForward(80)) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adapter.getLocalPort() + "/"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                        .header("X-GitHub-Delivery", "e2e-" + pushed.name().substring(0, 12)).header("X-Hub-Signature-256", sign(payload))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            }

            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3)).until(() -> runningPods("logger").stream()
                    .map(p -> client.pods().inNamespace(NS).withName(p.getMetadata().getName()).inContainer("function").getLog())
                    .anyMatch(log -> log.contains("event dev.knative.source.github.push")));
            Function rebuilt = awaitReady("hello", pushed.name());
            assertThat(rebuilt.getStatus().image).isNotEqualTo(hello.getStatus().image);
            assertThat(greet(rebuilt, "Kiln").body()).contains("Howdy, Kiln!");
        }
    }

    /** A Trigger on the Broker for GitHub's pushes, to {@code subscriber} (a Destination, as YAML). */
    static GenericKubernetesResource pushTrigger(String name, String subscriber) {
        return Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: %s, namespace: %s}
                spec:
                  broker: default
                  filter: {attributes: {type: dev.knative.source.github.push}}
                  subscriber: %s
                """.formatted(name, NS, subscriber), GenericKubernetesResource.class);
    }

    static Function function(String name, String url, String revision, String contextDir, int minScale) {
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        f.setSpec(new FunctionSpec());
        f.getSpec().source = new FunctionSource();
        f.getSpec().source.git = new GitSource();
        f.getSpec().source.git.url = url;
        f.getSpec().source.git.revision = revision;
        f.getSpec().source.git.contextDir = contextDir;
        f.getSpec().scale = new ScaleSpec();
        f.getSpec().scale.min = minScale;
        return f;
    }

    static GitHubSource githubSource() {
        GitHubSource s = new GitHubSource();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("hooks").build());
        s.setSpec(new GitHubSourceSpec());
        s.getSpec().repositories = List.of("e2e/functions");
        s.getSpec().eventTypes = List.of("push");
        s.getSpec().secretToken = SecretValueFromSource.of("github-webhook", "secret");
        s.getSpec().sink = new Destination();
        s.getSpec().sink.ref = new KReference();
        s.getSpec().sink.ref.apiVersion = "eventing.knative.dev/v1";
        s.getSpec().sink.ref.kind = "Broker";
        s.getSpec().sink.ref.name = "default";
        return s;
    }

    /** Waits for Ready (at {@code commit}, when given), failing at once on a build or spec failure. */
    static Function awaitReady(String name, String commit) {
        await().atMost(BUILD).pollInterval(Duration.ofSeconds(5)).until(() -> {
            Function now = client.resources(Function.class).inNamespace(NS).withName(name).get();
            Condition ready = now.getStatus() == null ? null : now.getStatus().condition("Ready").orElse(null);
            assertThat(ready == null ? null : ready.reason).as("%s: the build or the deployment failed: %s", name, ready == null ? null : ready.message)
                    .isNotIn("BuildFailed", "BuildTimedOut", "BuildOutOfMemory", "SourcePreparationFailed", "NoDigest", "InvalidSpec", "RevisionFailed");
            return ready != null && Condition.TRUE.equals(ready.status) && (commit == null || commit.equals(now.getStatus().commit));
        });
        return client.resources(Function.class).inNamespace(NS).withName(name).get();
    }

    /** Sends a {@code dev.kiln.hello} to the Function's Knative Service through the cluster's ingress (Kourier). */
    static HttpResponse<String> greet(Function f, String name) throws Exception {
        URI url = URI.create(f.getStatus().url);
        // The ingress routes by Host; the JDK's client sends the Host of the URL it is given, so the request goes to the
        // ingress's address with the Service's host name in it (jdk.httpclient.allowRestrictedHeaders=host, set by -Pe2e).
        HttpRequest request = HttpRequest.newBuilder(ingress.resolve(url.getRawPath().isEmpty() ? "/" : url.getRawPath()))
                .header("Host", url.getHost()).timeout(Duration.ofMinutes(2))
                .header("ce-specversion", "1.0").header("ce-id", "e2e-" + System.nanoTime()).header("ce-source", "/e2e").header("ce-type", "dev.kiln.hello")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s answered %s", url, r.body()).isEqualTo(200);
        return r;
    }

    static List<Pod> runningPods(String service) {
        return client.pods().inNamespace(NS).withLabel("serving.knative.dev/service", service).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && "Running".equals(p.getStatus().getPhase())).toList();
    }

    static List<?> jobsOf(String function) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel("kiln.dev/function", function).list().getItems();
    }

    static boolean ready(GenericKubernetesResource r) {
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status)) {
            return false;
        }
        return status.get("conditions") instanceof List<?> conditions && conditions.stream().anyMatch(c -> c instanceof java.util.Map<?, ?> m
                && "Ready".equals(m.get("type")) && "True".equals(m.get("status")));
    }

    static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
