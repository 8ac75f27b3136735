package dev.kiln.controller.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.DeliverySpec;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.duck.Status;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.CronSourceSpec;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.sources.v1alpha1.KafkaSourceSpec;
import dev.kiln.contract.Labels;
import dev.kiln.controller.MockCluster;
import dev.kiln.controller.Owners;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sources against the fabric8 mock API server in CRUD mode: the test plays the cluster (Brokers with addresses,
 * Secrets, the Deployment controller making adapters available); the reconcilers create the adapters and report.
 */
class SourceReconcilerTest {

    static final String IMAGE = "ghcr.io/kiln-dev/kiln-event-sources@sha256:" + "5".repeat(64);
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ResourceDefinitionContext BROKERS = new ResourceDefinitionContext.Builder().withGroup("eventing.knative.dev")
            .withVersion("v1").withKind("Broker").withPlural("brokers").withNamespaced(true).build();

    static MockCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new MockCluster();
        client = cluster.client();
        Clock clock = Clock.systemUTC();
        KubernetesClient controller = cluster.controllerClient();
        cluster.start(List.of(new GitHubSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), clock), new GitLabSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), clock),
                new KafkaSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), clock), new CronSourceReconciler(controller, IMAGE, MockCluster.REGISTRY.policy(), clock)));
    }

    @org.junit.jupiter.api.AfterEach
    void theInstallsRbacAllowedEveryRequest() {
        assertThat(cluster.denied()).as("requests the install's RBAC forbids").isEmpty();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static void broker(String ns, String name, String url) {
        GenericKubernetesResource broker = new GenericKubernetesResourceBuilder().withApiVersion("eventing.knative.dev/v1").withKind("Broker")
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata().build();
        if (url != null) {
            broker.setAdditionalProperty("status", Map.of("address", Map.of("url", url)));
        }
        client.genericKubernetesResources(BROKERS).inNamespace(ns).resource(broker).createOr(r -> r.update());
    }

    static Destination brokerSink(String name) {
        return Destination.ref(new KReference("eventing.knative.dev/v1", "Broker", name));
    }

    static GitHubSource github(String ns, String name, Destination sink) {
        GitHubSource s = new GitHubSource();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        s.setSpec(new GitHubSourceSpec());
        s.getSpec().sink = sink;
        s.getSpec().eventTypes = List.of("push");
        s.getSpec().repositories = List.of("kiln-dev/kiln");
        s.getSpec().secretToken = SecretValueFromSource.of("hook", "token");
        return s;
    }

    static void secret(String ns) {
        client.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace(ns).endMetadata()
                .addToStringData("token", "s3cret").build()).create();
    }

    static Optional<Condition> condition(Supplier<? extends HasMetadata> get, String type) {
        HasMetadata r = get.get();
        Status status = r == null ? null : (Status) ((io.fabric8.kubernetes.client.CustomResource<?, ?>) r).getStatus();
        return status == null ? Optional.empty() : status.condition(type);
    }

    static void awaitCondition(Supplier<? extends HasMetadata> get, String type, String status, String reason) {
        await().alias(type + "=" + status + " " + reason + " on " + get.get()).atMost(WAIT).until(() -> condition(get, type).map(c -> status.equals(c.status) && (reason == null || reason.equals(c.reason))).orElse(false));
    }

    static Deployment deployment(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    /** Plays the Deployment controller: one replica is available. */
    static void markAvailable(Deployment d) {
        d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withAvailableReplicas(1).withReadyReplicas(1).build());
        client.resource(d).updateStatus();
    }

    @Test
    void aGitHubSourceRunsAnAdapterBehindAServiceAndIsReadyWhenItIs() {
        String ns = "github";
        broker(ns, "default", "http://broker-ingress.knative-eventing.svc.cluster.local/github/default");
        secret(ns);
        client.resource(github(ns, "hooks", brokerSink("default"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();

        await().atMost(WAIT).until(() -> deployment(ns, "hooks-githubsource") != null);
        Deployment d = deployment(ns, "hooks-githubsource");
        var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(IMAGE);
        assertThat(container.getArgs()).containsExactly("github");
        assertThat(container.getEnv()).extracting(EnvVar::getName).containsExactly("K_SINK", "NAMESPACE", "NAME", "GITHUB_SECRET_TOKEN", "GITHUB_EVENT_TYPES",
                "GITHUB_REPOSITORIES");
        assertThat(container.getEnv().get(0).getValue()).isEqualTo("http://broker-ingress.knative-eventing.svc.cluster.local/github/default");
        EnvVar secret = container.getEnv().get(3);
        assertThat(secret.getValue()).as("a reference, never the value").isNull();
        assertThat(secret.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hook");
        assertThat(secret.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        assertThat(d.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("GitHubSource");
            assertThat(o.getUid()).isEqualTo(get.get().getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        await().atMost(WAIT).until(() -> client.services().inNamespace(ns).withName("hooks-githubsource").get() != null);
        assertThat(client.services().inNamespace(ns).withName("hooks-githubsource").get().getSpec().getSelector())
                .isEqualTo(d.getSpec().getSelector().getMatchLabels());

        awaitCondition(get, "Deployed", Condition.UNKNOWN, "DeploymentUnavailable");
        GitHubSource pending = get.get();
        assertThat(pending.getStatus().webhookUrl).isEqualTo("http://hooks-githubsource.github.svc.cluster.local");
        assertThat(pending.getStatus().sinkUri).isEqualTo("http://broker-ingress.knative-eventing.svc.cluster.local/github/default");
        assertThat(condition(get, "SinkProvided")).map(c -> c.status).contains(Condition.TRUE);
        assertThat(condition(get, "SecretsProvided")).map(c -> c.status).contains(Condition.TRUE);
        assertThat(condition(get, "Ready")).map(c -> c.status).contains(Condition.UNKNOWN);

        markAvailable(d);
        awaitCondition(get, "Ready", Condition.TRUE, null);
        assertThat(get.get().getStatus().observedGeneration).isEqualTo(1L);
    }

    @Test
    void aSinkThatDoesNotResolveSaysWhyAndStartsNothingUntilItDoes() {
        String ns = "nosink";
        secret(ns);
        client.resource(github(ns, "hooks", brokerSink("missing"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitCondition(get, "SinkProvided", Condition.FALSE, "SinkNotFound");
        assertThat(condition(get, "SinkProvided").orElseThrow().message).contains("spec.sink: Broker nosink/missing (eventing.knative.dev/v1) not found");
        assertThat(condition(get, "Ready")).map(c -> c.status).contains(Condition.FALSE);

        broker(ns, "missing", null);
        touch(get.get());
        awaitCondition(get, "SinkProvided", Condition.FALSE, "SinkNotAddressable");
        assertThat(condition(get, "SinkProvided").orElseThrow().message).contains("has no status.address.url yet");
        assertThat(deployment(ns, "hooks-githubsource")).isNull();

        broker(ns, "missing", "http://broker-ingress/nosink/missing");
        touch(get.get());
        awaitCondition(get, "SinkProvided", Condition.TRUE, null);
        await().atMost(WAIT).until(() -> deployment(ns, "hooks-githubsource") != null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "eventing.knative.dev/v1alpha1, KafkaSink, kafkasinks.eventing.knative.dev",
        "messaging.knative.dev/v1beta1, KafkaChannel, kafkachannels.messaging.knative.dev",
    })
    void anyAddressableResolvesOnceItsInstallLetsAddressableResolversReadIt(String apiVersion, String kind, String resource) {
        String ns = kind.toLowerCase(java.util.Locale.ROOT);
        secret(ns);
        String[] gv = apiVersion.split("/");
        ResourceDefinitionContext type = new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1]).withKind(kind)
                .withPlural(resource.substring(0, resource.indexOf('.'))).withNamespaced(true).build();
        GenericKubernetesResource sink = new GenericKubernetesResourceBuilder().withApiVersion(apiVersion).withKind(kind)
                .withNewMetadata().withName("events").withNamespace(ns).endMetadata().build();
        sink.setAdditionalProperty("status", Map.of("address", Map.of("url", "http://kafka-sink-ingress.knative-eventing.svc/" + ns + "/events")));
        client.genericKubernetesResources(type).inNamespace(ns).resource(sink).create();
        client.resource(github(ns, "hooks", Destination.ref(new KReference(apiVersion, kind, "events")))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();

        // Only Knative Eventing's core is installed: nothing grants read of the Kafka extension's kinds.
        awaitCondition(get, "SinkProvided", Condition.FALSE, "SinkForbidden");
        assertThat(condition(get, "SinkProvided").orElseThrow().message).contains("may not read " + resource, "duck.knative.dev/addressable");
        assertThat(cluster.denied()).isNotEmpty().allMatch(q -> q.resource().equals(type.getPlural()) && q.verb().equals("get"));
        cluster.clearRecords();

        // The Kafka extension's install labels its roles for aggregation: Kiln's resolver role picks them up.
        var before = cluster.install(MockCluster.roles("/cluster/knative-kafka-addressable-resolvers.yaml"));
        try {
            touch(get.get());
            awaitCondition(get, "SinkProvided", Condition.TRUE, null);
            assertThat(get.get().getStatus().sinkUri).isEqualTo("http://kafka-sink-ingress.knative-eventing.svc/" + ns + "/events");
        } finally {
            // The source goes before the roles that let it resolve its sink: left behind, its next reconcile (its
            // Deployment's status, a resync) would read the sink again, be refused and fail the tests that follow.
            client.resource(get.get()).delete();
            await().atMost(WAIT).until(() -> get.get() == null);
            cluster.uninstall(before);
        }
    }

    @Test
    void aMissingSecretOrKeyIsReportedWithItsName() {
        String ns = "nosecret";
        broker(ns, "default", "http://broker-ingress/nosecret/default");
        client.resource(github(ns, "hooks", brokerSink("default"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitCondition(get, "SecretsProvided", Condition.FALSE, "SecretNotFound");
        assertThat(condition(get, "SecretsProvided").orElseThrow().message)
                .isEqualTo("secret hook (spec.secretToken.secretKeyRef) does not exist in namespace nosecret");

        client.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace(ns).endMetadata()
                .addToStringData("other", "x").build()).create();
        touch(get.get());
        awaitCondition(get, "SecretsProvided", Condition.FALSE, "SecretKeyNotFound");
        assertThat(deployment(ns, "hooks-githubsource")).isNull();
    }

    @Test
    void aRotationsPreviousSecretIsCheckedAndPassedAsAReference() {
        String ns = "rotation";
        broker(ns, "default", "http://broker-ingress/rotation/default");
        secret(ns);
        GitHubSource rotating = github(ns, "hooks", brokerSink("default"));
        rotating.getSpec().previousSecretToken = SecretValueFromSource.of("old-hook", "token");
        client.resource(rotating).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitCondition(get, "SecretsProvided", Condition.FALSE, "SecretNotFound");
        assertThat(condition(get, "SecretsProvided").orElseThrow().message)
                .isEqualTo("secret old-hook (spec.previousSecretToken.secretKeyRef) does not exist in namespace rotation");

        client.resource(new SecretBuilder().withNewMetadata().withName("old-hook").withNamespace(ns).endMetadata()
                .addToStringData("token", "old").build()).create();
        touch(get.get());
        await().atMost(WAIT).until(() -> deployment(ns, "hooks-githubsource") != null);
        EnvVar previous = deployment(ns, "hooks-githubsource").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("GITHUB_PREVIOUS_SECRET_TOKEN")).findFirst().orElseThrow();
        assertThat(previous.getValue()).as("a reference, never the value").isNull();
        assertThat(previous.getValueFrom().getSecretKeyRef().getName()).isEqualTo("old-hook");
    }

    @Test
    void anInvalidSourceNamesEveryFieldAndStartsNothing() {
        String ns = "invalid";
        GitHubSource s = github(ns, "hooks", null);
        s.getSpec().secretToken = null;
        client.resource(s).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        awaitCondition(get, "Ready", Condition.FALSE, "InvalidSpec");
        assertThat(condition(get, "Ready").orElseThrow().message).contains("spec.sink", "spec.secretToken");
        assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
    }

    /**
     * Tenants (issue 20): the controller resolves sinks with cluster-wide read rights, so a source naming a sink or a
     * dead-letter sink in another namespace would send into it and read its address. Refused as Knative refuses it
     * (KReference.Validate's wording), before anything is resolved or started.
     */
    @Test
    void aSinkOrDeadLetterSinkInAnotherNamespaceIsRefusedWithKnativesWording() {
        String ns = "tenant-a";
        broker("tenant-b", "default", "http://broker-ingress.knative-eventing.svc.cluster.local/tenant-b/default");
        secret(ns);
        Destination theirs = brokerSink("default");
        theirs.ref.namespace = "tenant-b";
        client.resource(github(ns, "hooks", theirs)).create();
        KafkaSource kafka = new KafkaSource();
        kafka.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("orders").build());
        kafka.setSpec(new KafkaSourceSpec());
        kafka.getSpec().bootstrapServers = List.of("kafka-0.kafka:9092");
        kafka.getSpec().topics = List.of("orders");
        kafka.getSpec().sink = Destination.uri("http://billing.tenant-a.svc.cluster.local");
        kafka.getSpec().delivery = new DeliverySpec();
        kafka.getSpec().delivery.deadLetterSink = brokerSink("default");
        kafka.getSpec().delivery.deadLetterSink.ref.namespace = "tenant-b";
        client.resource(kafka).create();

        Supplier<GitHubSource> github = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();
        Supplier<KafkaSource> orders = () -> client.resources(KafkaSource.class).inNamespace(ns).withName("orders").get();
        awaitCondition(github, "Ready", Condition.FALSE, "InvalidSpec");
        awaitCondition(orders, "Ready", Condition.FALSE, "InvalidSpec");
        assertThat(condition(github, "Ready").orElseThrow().message)
                .isEqualTo("spec.sink.ref.namespace: mismatched namespaces: parent namespace: \"tenant-a\" does not match ref: \"tenant-b\"");
        assertThat(condition(orders, "Ready").orElseThrow().message).isEqualTo(
                "spec.delivery.deadLetterSink.ref.namespace: mismatched namespaces: parent namespace: \"tenant-a\" does not match ref: \"tenant-b\"");
        assertThat(github.get().getStatus().sinkUri).as("tenant-b's address is not read").isNull();
        assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void aKafkaSourceSendsToAFunctionWithADeadLetterUriAndACronSourceToAUri() {
        String ns = "kafka";
        dev.kiln.api.functions.v1alpha1.Function fn = new dev.kiln.api.functions.v1alpha1.Function();
        fn.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("billing").build());
        fn.setSpec(new dev.kiln.api.functions.v1alpha1.FunctionSpec());
        fn = client.resource(fn).create();
        fn.setStatus(new dev.kiln.api.functions.v1alpha1.FunctionStatus());
        fn.getStatus().address = new dev.kiln.api.duck.Addressable();
        fn.getStatus().address.url = "http://billing.kafka.svc.cluster.local";
        client.resource(fn).updateStatus();

        KafkaSource kafka = new KafkaSource();
        kafka.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("orders").build());
        kafka.setSpec(new KafkaSourceSpec());
        kafka.getSpec().bootstrapServers = List.of("kafka-0.kafka:9092");
        kafka.getSpec().topics = List.of("orders");
        kafka.getSpec().sink = Destination.ref(new KReference("kiln.dev/v1alpha1", "Function", "billing"));
        kafka.getSpec().delivery = new DeliverySpec();
        kafka.getSpec().delivery.deadLetterSink = Destination.uri("http://dlq.kafka.svc.cluster.local/");
        client.resource(kafka).create();

        CronSource cron = new CronSource();
        cron.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("nightly").build());
        cron.setSpec(new CronSourceSpec());
        cron.getSpec().schedule = "0 3 * * *";
        cron.getSpec().sink = Destination.uri("http://reports.kafka.svc.cluster.local/nightly");
        client.resource(cron).create();

        await().atMost(WAIT).until(() -> deployment(ns, "orders-kafkasource") != null && deployment(ns, "nightly-cronsource") != null);
        Map<String, String> kafkaEnv = env(deployment(ns, "orders-kafkasource"));
        assertThat(kafkaEnv).containsEntry("K_SINK", "http://billing.kafka.svc.cluster.local")
                .containsEntry("K_DEAD_LETTER_SINK", "http://dlq.kafka.svc.cluster.local/")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-0.kafka:9092").containsEntry("KAFKA_TOPICS", "orders")
                .containsEntry("KAFKA_INITIAL_OFFSET", "latest").containsEntry("KAFKA_CONSUMER_GROUP", "kiln-kafka-source.kafka.orders");
        assertThat(env(deployment(ns, "nightly-cronsource"))).containsEntry("K_SINK", "http://reports.kafka.svc.cluster.local/nightly")
                .containsEntry("CRON_SCHEDULE", "0 3 * * *");
        assertThat(client.services().inNamespace(ns).list().getItems()).as("no Service for adapters without webhooks").isEmpty();

        markAvailable(deployment(ns, "orders-kafkasource"));
        awaitCondition(() -> client.resources(KafkaSource.class).inNamespace(ns).withName("orders").get(), "Ready", Condition.TRUE, null);
    }

    /**
     * Review operator-2, finding 4: an object of the adapter's name that the source does not control is neither
     * updated nor adopted, the source says so (Deployed=False, NotOwned) and is not Ready; once it is gone, the
     * source's own is created.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a Deployment of the adapter's name that someone else made | not-owned-deployment | Deployment",
        "a Service of the webhook adapter's name that someone else made | not-owned-service | Service",
    })
    void anAdapterObjectOfItsNameThatTheSourceDoesNotControlIsLeftAsItIsAndReported(String name, String ns, String kind) {
        broker(ns, "default", "http://broker-ingress/" + ns + "/default");
        secret(ns);
        HasMetadata theirs = kind.equals("Deployment")
                ? client.resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata().withName("hooks-githubsource")
                        .withNamespace(ns).addToLabels("app", "theirs").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "theirs")
                        .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "theirs").endMetadata().withNewSpec().addNewContainer()
                        .withName("web").withImage("ghcr.io/team/web:1").endContainer().endSpec().endTemplate().endSpec().build()).create()
                : client.resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("hooks-githubsource").withNamespace(ns)
                        .addToLabels("app", "theirs").endMetadata().withNewSpec().addToSelector("app", "theirs").addNewPort().withPort(80).endPort()
                        .endSpec().build()).create();
        client.resource(github(ns, "hooks", brokerSink("default"))).create();
        Supplier<GitHubSource> get = () -> client.resources(GitHubSource.class).inNamespace(ns).withName("hooks").get();

        awaitCondition(get, "Deployed", Condition.FALSE, "NotOwned");
        assertThat(condition(get, "Deployed").orElseThrow().message).as(name).isEqualTo("There is an existing " + kind
                + " \"hooks-githubsource\" that this source does not own: Kiln leaves it as it is. Delete it, or give the source another name");
        assertThat(condition(get, "Ready")).map(c -> c.status + "/" + c.reason).contains(Condition.FALSE + "/NotOwned");
        assertThat(get.get().getStatus().webhookUrl).as("it would name their Service").isNull();
        HasMetadata after = kind.equals("Deployment") ? deployment(ns, "hooks-githubsource")
                : client.services().inNamespace(ns).withName("hooks-githubsource").get();
        assertThat(after.getMetadata().getLabels()).isEqualTo(Map.of("app", "theirs"));
        assertThat(after.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(after.getMetadata().getResourceVersion()).as("not written").isEqualTo(theirs.getMetadata().getResourceVersion());

        client.resource(after).delete();
        touch(get.get()); // what the RETRY reschedule does: Kiln's informers do not see objects without its labels
        await().atMost(WAIT).until(() -> {
            Deployment d = deployment(ns, "hooks-githubsource");
            var svc = client.services().inNamespace(ns).withName("hooks-githubsource").get();
            return d != null && svc != null && Owners.controls(get.get(), d) && Owners.controls(get.get(), svc);
        });
        awaitCondition(get, "Deployed", Condition.UNKNOWN, "DeploymentUnavailable");
        assertThat(get.get().getStatus().webhookUrl).isEqualTo("http://hooks-githubsource." + ns + ".svc.cluster.local");
    }

    static Stream<Arguments> othersLabelsAndAnnotationsOnAnAdapterDeploymentStayAndKilnsAreRestored() {
        return Stream.of(
                edit("a label someone else added stays, and is no reason to write", "adapter-foreign-label", true,
                        d -> d.getMetadata().getLabels().put("cost-center", "42"),
                        d -> assertThat(d.getMetadata().getLabels()).containsEntry("cost-center", "42").containsEntry(Labels.SOURCE, "orders")),
                edit("an annotation on the pod template (kubectl rollout restart) stays", "adapter-restarted", true,
                        d -> d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "2026-11-28T15:00:00Z")),
                        d -> assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                                .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-11-28T15:00:00Z")),
                edit("Kiln's label someone removed is restored, others' stay", "adapter-label-removed", false,
                        d -> {
                            d.getMetadata().getLabels().remove(Labels.SOURCE);
                            d.getMetadata().getLabels().put("cost-center", "42");
                        },
                        d -> assertThat(d.getMetadata().getLabels()).containsEntry(Labels.SOURCE, "orders").containsEntry("cost-center", "42")),
                edit("Kiln's label someone changed has Kiln's value again", "adapter-label-changed", false,
                        d -> d.getMetadata().getLabels().put(Labels.SOURCE, "someone-else"),
                        d -> assertThat(d.getMetadata().getLabels()).containsEntry(Labels.SOURCE, "orders")));
    }

    static Arguments edit(String name, String ns, boolean noWrite, Consumer<Deployment> edit, Consumer<Deployment> then) {
        return Arguments.of(Named.of(name, ns), noWrite, edit, then);
    }

    /** Review operator-2, finding 5: one rule for labels and annotations on every object Kiln owns ({@code OwnedMetadata}). */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void othersLabelsAndAnnotationsOnAnAdapterDeploymentStayAndKilnsAreRestored(String ns, boolean noWrite, Consumer<Deployment> edit,
            Consumer<Deployment> then) {
        KafkaSource kafka = new KafkaSource();
        kafka.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("orders").build());
        kafka.setSpec(new KafkaSourceSpec());
        kafka.getSpec().bootstrapServers = List.of("kafka-0.kafka:9092");
        kafka.getSpec().topics = List.of("orders");
        kafka.getSpec().sink = Destination.uri("http://billing." + ns + ".svc.cluster.local");
        client.resource(kafka).create();
        Supplier<KafkaSource> get = () -> client.resources(KafkaSource.class).inNamespace(ns).withName("orders").get();
        awaitCondition(get, "Deployed", Condition.UNKNOWN, "DeploymentUnavailable");

        cluster.clearRecords();
        client.apps().deployments().inNamespace(ns).withName("orders-kafkasource").edit(d -> {
            edit.accept(d);
            return d;
        });
        // A reconcile, as the RESYNC would do (the Deployment's own update brings one too).
        client.resources(KafkaSource.class).inNamespace(ns).withName("orders")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"test/touched\":\"1\"}}}");
        if (noWrite) {
            await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> then.accept(deployment(ns, "orders-kafkasource")));
            assertThat(cluster.requests()).as("writes to the adapter").noneMatch(q -> ns.equals(q.namespace()) && "deployments".equals(q.resource())
                    && List.of("update", "patch").contains(q.verb()));
        } else {
            await().atMost(WAIT).untilAsserted(() -> then.accept(deployment(ns, "orders-kafkasource")));
        }
        Deployment after = deployment(ns, "orders-kafkasource");
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Labels.SOURCE, "orders");
        assertThat(after.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(get.get().getMetadata().getUid()));
    }

    static Map<String, String> env(Deployment d) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    /** Asks for a reconcile now instead of after the retry period, as any metadata change does. */
    static void touch(GitHubSource source) {
        // A merge patch without a resourceVersion, as kubectl annotate sends: it cannot conflict with a status write.
        client.resources(GitHubSource.class).inNamespace(source.getMetadata().getNamespace()).withName(source.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"test/touched\":\"" + System.nanoTime() + "\"}}}");
    }
}
