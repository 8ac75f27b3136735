package dev.kiln.controller.sources.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.GitLabSourceSpec;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.sources.v1alpha1.SourceLifecycle;
import dev.kiln.controller.MockCluster;
import dev.kiln.controller.sources.GitHubSourceReconciler;
import dev.kiln.controller.sources.GitLabSourceReconciler;
import dev.kiln.controller.sources.SourceReconciliation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * spec.accessToken: the controller registers GitHub and GitLab hooks through their APIs (a test double over real
 * HTTP), keeps them as the spec says, and deletes them with the source; a source without a token gets no finalizer
 * and no API call.
 */
class SourceWebhooksTest {

    static final String IMAGE = "ghcr.io/kiln-dev/kiln-event-sources@sha256:" + "5".repeat(64);
    static final String TOKEN = "ghp_the-token";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ResourceDefinitionContext BROKERS = new ResourceDefinitionContext.Builder().withGroup("eventing.knative.dev")
            .withVersion("v1").withKind("Broker").withPlural("brokers").withNamespaced(true).build();

    static MockCluster cluster;
    static KubernetesClient client;
    static FakeForge forge;

    @BeforeAll
    static void start() throws Exception {
        forge = new FakeForge(TOKEN);
        cluster = new MockCluster();
        client = cluster.client();
        KubernetesClient controller = cluster.controllerClient();
        cluster.start(List.of(new GitHubSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), Clock.systemUTC()), new GitLabSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), Clock.systemUTC())));
    }

    @AfterEach
    void theInstallsRbacAllowedEveryRequest() {
        assertThat(cluster.denied()).as("requests the install's RBAC forbids").isEmpty();
    }

    @AfterAll
    static void stop() {
        cluster.close();
        forge.close();
    }

    static void namespace(String ns, String accessToken) {
        GenericKubernetesResource broker = new GenericKubernetesResourceBuilder().withApiVersion("eventing.knative.dev/v1").withKind("Broker")
                .withNewMetadata().withName("default").withNamespace(ns).endMetadata().build();
        broker.setAdditionalProperty("status", Map.of("address", Map.of("url", "http://broker-ingress/" + ns + "/default")));
        client.genericKubernetesResources(BROKERS).inNamespace(ns).resource(broker).create();
        client.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace(ns).endMetadata()
                .addToStringData("token", "s3cret").build()).create();
        client.resource(new SecretBuilder().withNewMetadata().withName("api").withNamespace(ns).endMetadata()
                .addToStringData("token", accessToken).build()).create();
    }

    static GitHubSource github(String ns, List<String> repositories) {
        GitHubSource s = new GitHubSource();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("hooks").build());
        s.setSpec(new GitHubSourceSpec());
        s.getSpec().sink = Destination.ref(new KReference("eventing.knative.dev/v1", "Broker", "default"));
        s.getSpec().eventTypes = List.of("push");
        s.getSpec().repositories = repositories;
        s.getSpec().secretToken = SecretValueFromSource.of("hook", "token");
        s.getSpec().accessToken = SecretValueFromSource.of("api", "token");
        s.getSpec().githubAPIURL = forge.url();
        s.getSpec().publicURL = "https://hooks.example.com/" + ns;
        return s;
    }

    static Optional<Condition> condition(HasMetadata r, String type) {
        Object status = r == null ? null : ((CustomResource<?, ?>) r).getStatus();
        return status == null ? Optional.empty() : ((dev.kiln.api.sources.v1alpha1.SourceStatus) status).condition(type);
    }

    static void awaitRegistered(Supplier<? extends HasMetadata> get, String status) {
        await().atMost(WAIT).until(() -> condition(get.get(), SourceLifecycle.WEBHOOK_REGISTERED).map(c -> status.equals(c.status)).orElse(false));
    }

    @Test
    void aGitHubSourceWithAnAccessTokenRegistersItsHooksKeepsThemAsTheSpecSaysAndDeletesThemWithIt() {
        String ns = "github-hooks";
        forge.repository("acme/greeter");
        forge.repository("acme/logger");
        namespace(ns, TOKEN);
        client.resource(github(ns, List.of("acme/greeter", "acme/logger"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitRegistered(get, Condition.TRUE);

        assertThat(get.get().getMetadata().getFinalizers()).containsExactly(SourceReconciliation.HOOKS_FINALIZER);
        assertThat(get.get().getStatus().webhooks).extracting(h -> h.target).containsExactly("acme/greeter", "acme/logger");
        var greeter = forge.hooks("acme/greeter").values().iterator().next();
        assertThat(greeter.path("name").asText()).isEqualTo("web");
        assertThat(greeter.path("events").toString()).isEqualTo("[\"push\"]");
        assertThat(greeter.path("config").path("url").asText()).isEqualTo("https://hooks.example.com/" + ns);
        assertThat(greeter.path("config").path("secret").asText()).isEqualTo("s3cret");
        assertThat(greeter.path("config").path("content_type").asText()).isEqualTo("json");
        assertThat(greeter.path("config").path("insecure_ssl").asText()).isEqualTo("0");
        String greeterId = greeter.path("id").asText();

        // A reconcile with nothing changed asks GitHub nothing.
        int asked = forge.requests().size();
        client.resources(GitHubSource.class).inNamespace(ns).withName("hooks")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"touched\":\"1\"}}}");
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
        assertThat(forge.requests()).hasSize(asked);

        // New events: the same hooks, changed in place. (JSON patches: the mock concatenates arrays in merge patches.)
        client.resources(GitHubSource.class).inNamespace(ns).withName("hooks")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/eventTypes\",\"value\":[\"push\",\"release\"]}]");
        await().atMost(WAIT).until(() -> forge.hooks("acme/greeter").get(greeterId).path("events").toString().equals("[\"push\",\"release\"]"));
        assertThat(forge.hooks("acme/greeter")).hasSize(1);
        assertThat(forge.requests()).contains("PATCH /repos/acme/greeter/hooks/" + greeterId);

        // A repository leaves the list: its hook goes.
        client.resources(GitHubSource.class).inNamespace(ns).withName("hooks")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/repositories\",\"value\":[\"acme/greeter\"]}]");
        await().atMost(WAIT).until(() -> forge.hooks("acme/logger").isEmpty());
        await().atMost(WAIT).until(() -> get.get().getStatus().webhooks.size() == 1);

        // Deleted: the hook goes, then the source.
        client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").delete();
        await().atMost(WAIT).until(() -> get.get() == null);
        assertThat(forge.hooks("acme/greeter")).isEmpty();
        assertThat(forge.requests()).contains("DELETE /repos/acme/greeter/hooks/" + greeterId);
    }

    @Test
    void aHookRegisteredByHandAtTheSameUrlIsAdoptedNotDoubled() throws Exception {
        String ns = "adopted";
        forge.repository("acme/adopted");
        var byHand = new GitHubHooks(java.net.http.HttpClient.newHttpClient(), forge.url(), TOKEN);
        String id = byHand.create("acme/adopted", new HookApi.HookConfig("https://hooks.example.com/" + ns, List.of("issues"), "old"));
        namespace(ns, TOKEN);
        client.resource(github(ns, List.of("acme/adopted"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitRegistered(get, Condition.TRUE);
        assertThat(forge.hooks("acme/adopted")).containsOnlyKeys(id);
        assertThat(forge.hooks("acme/adopted").get(id).path("config").path("secret").asText()).isEqualTo("s3cret");
        client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").delete();
        await().atMost(WAIT).until(() -> get.get() == null);
    }

    @Test
    void aTokenGitHubRefusesIsReportedWithGitHubsAnswerAndTheSourceStillDeletes() {
        String ns = "bad-token";
        forge.repository("acme/refused");
        namespace(ns, "not-the-token");
        client.resource(github(ns, List.of("acme/refused"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitRegistered(get, Condition.FALSE);
        Condition c = condition(get.get(), SourceLifecycle.WEBHOOK_REGISTERED).orElseThrow();
        assertThat(c.reason).isEqualTo("WebhookRegistrationFailed");
        assertThat(c.message).contains("/repos/acme/refused/hooks", "401", "Bad credentials");
        assertThat(condition(get.get(), "Ready")).map(r -> r.status).contains(Condition.FALSE);
        assertThat(forge.hooks("acme/refused")).isEmpty();

        client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").delete();
        await().atMost(WAIT).until(() -> get.get() == null);
    }

    @Test
    void aGitLabSourceWithAnAccessTokenRegistersProjectHooksOnTheProjectsHost() {
        String ns = "gitlab-hooks";
        forge.repository("acme/greeter");
        namespace(ns, TOKEN);
        GitLabSource s = new GitLabSource();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("hooks").build());
        s.setSpec(new GitLabSourceSpec());
        s.getSpec().sink = Destination.ref(new KReference("eventing.knative.dev/v1", "Broker", "default"));
        s.getSpec().eventTypes = List.of("push_events", "merge_requests_events");
        s.getSpec().projects = List.of(forge.url() + "/acme/greeter");
        s.getSpec().secretToken = SecretValueFromSource.of("hook", "token");
        s.getSpec().accessToken = SecretValueFromSource.of("api", "token");
        s.getSpec().publicURL = "https://hooks.example.com/" + ns;
        client.resource(s).create();
        Supplier<GitLabSource> get = () -> client.resources(GitLabSource.class).inNamespace(ns).withName("hooks").get();
        awaitRegistered(get, Condition.TRUE);

        await().atMost(WAIT).until(() -> forge.hooks("acme/greeter").values().stream()
                .anyMatch(h -> h.path("url").asText().equals("https://hooks.example.com/" + ns)));
        var hook = forge.hooks("acme/greeter").values().stream().filter(h -> h.path("url").asText().equals("https://hooks.example.com/" + ns))
                .findFirst().orElseThrow();
        assertThat(hook.path("token").asText()).isEqualTo("s3cret");
        assertThat(hook.path("push_events").asBoolean()).isTrue();
        assertThat(hook.path("merge_requests_events").asBoolean()).isTrue();
        assertThat(hook.path("tag_push_events").asBoolean()).as("every flag is sent: GitLab defaults push_events on").isFalse();
        assertThat(hook.path("enable_ssl_verification").asBoolean()).isTrue();
        assertThat(forge.requests()).contains("POST /api/v4/projects/acme%2Fgreeter/hooks");

        client.resources(GitLabSource.class).inNamespace(ns).withName("hooks").delete();
        await().atMost(WAIT).until(() -> get.get() == null);
        assertThat(forge.hooks("acme/greeter").values()).noneMatch(h -> h.path("url").asText().equals("https://hooks.example.com/" + ns));
    }

    @Test
    void withoutAnAccessTokenThereIsNoFinalizerAndNoApiCall() {
        String ns = "by-hand";
        namespace(ns, TOKEN);
        GitHubSource s = github(ns, List.of("acme/by-hand"));
        s.getSpec().accessToken = null;
        s.getSpec().githubAPIURL = null;
        s.getSpec().publicURL = null;
        int asked = forge.requests().size();
        client.resource(s).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitRegistered(get, Condition.TRUE);
        assertThat(get.get().getMetadata().getFinalizers()).isEmpty();
        assertThat(forge.requests()).hasSize(asked);
        cluster.stopOperator();
        try {
            client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").delete();
            await().atMost(WAIT).until(() -> get.get() == null);
        } finally {
            KubernetesClient controller = cluster.controllerClient();
            cluster.start(List.of(new GitHubSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), Clock.systemUTC()),
                    new GitLabSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), Clock.systemUTC())));
        }
    }

    /** Attacker review: a cluster that allows only https Git URLs calls no plain-http forge API with a user's token. */
    @Test
    void aForgeApiUrlOfASchemeTheClusterDoesNotAllowIsInvalidAndNeverCalled() {
        String ns = "http-api";
        namespace(ns, TOKEN);
        forge.repository("acme/internal");
        int asked = forge.requests().size();
        cluster.stopOperator();
        KubernetesClient controller = cluster.controllerClient();
        dev.kiln.api.validation.ValidationPolicy httpsOnly = dev.kiln.api.validation.ValidationPolicy.cluster(List.of("https", "ssh"),
                "registry.example.com/kiln", "KILN_GIT_SCHEMES in kiln-config");
        cluster.start(List.of(new GitHubSourceReconciler(controller, IMAGE, httpsOnly, Clock.systemUTC())));
        try {
            client.resource(github(ns, List.of("acme/internal"))).create();
            Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
            await().atMost(WAIT).until(() -> condition(get.get(), "Ready").map(c -> "InvalidSpec".equals(c.reason)).orElse(false));
            assertThat(condition(get.get(), "Ready").orElseThrow().message).contains("spec.githubAPIURL: http URLs are not allowed here: must be an"
                    + " https URL (KILN_GIT_SCHEMES in kiln-config allows more)");
            assertThat(forge.requests()).as("no call to the forge").hasSize(asked);
            client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").delete();
            await().atMost(WAIT).until(() -> get.get() == null);
        } finally {
            cluster.stopOperator();
            cluster.start(List.of(new GitHubSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), Clock.systemUTC()),
                    new GitLabSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), Clock.systemUTC())));
        }
    }
}
