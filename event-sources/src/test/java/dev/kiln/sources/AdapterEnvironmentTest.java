package dev.kiln.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.duck.DeliverySpec;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.CronSourceSpec;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.GitLabSourceSpec;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.sources.v1alpha1.KafkaSourceSpec;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.sources.cron.CronAdapter;
import dev.kiln.sources.github.GitHubWebhook;
import dev.kiln.sources.gitlab.GitLabWebhook;
import dev.kiln.sources.kafka.KafkaAdapter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A source's environment is read back by the adapters' own readers, with no problem and the same values: the
 * controller's Deployments and {@code kiln dev}'s processes configure adapters exactly as a hand-written env would.
 */
class AdapterEnvironmentTest {

    static final String SINK = "http://broker-ingress.knative-eventing.svc.cluster.local/ns/default";

    static <T extends HasMetadata> T named(T source) {
        source.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("src").build());
        return source;
    }

    static Stream<Arguments> kinds() {
        GitHubSource gh = named(new GitHubSource());
        gh.setSpec(new GitHubSourceSpec());
        gh.getSpec().secretToken = SecretValueFromSource.of("hook", "token");
        gh.getSpec().previousSecretToken = SecretValueFromSource.of("old-hook", "token");
        gh.getSpec().eventTypes = List.of("push", "pull_request");
        gh.getSpec().repositories = List.of("kiln-dev/kiln");
        gh.getSpec().ceOverrides = new dev.kiln.api.duck.CloudEventOverrides();
        gh.getSpec().ceOverrides.extensions.put("team", "platform");

        GitLabSource gl = named(new GitLabSource());
        gl.setSpec(new GitLabSourceSpec());
        gl.getSpec().secretToken = SecretValueFromSource.of("hook", "token");
        gl.getSpec().signingToken = SecretValueFromSource.of("signing", "token");
        gl.getSpec().previousSigningToken = SecretValueFromSource.of("old-signing", "token");
        gl.getSpec().eventTypes = List.of("push_events", "merge_requests_events");
        gl.getSpec().projects = List.of("group/project");

        KafkaSource kafka = named(new KafkaSource());
        kafka.setSpec(new KafkaSourceSpec());
        kafka.getSpec().bootstrapServers = List.of("kafka-0:9092", "kafka-1:9092");
        kafka.getSpec().topics = List.of("orders");
        kafka.getSpec().consumerGroup = "billing";
        kafka.getSpec().initialOffset = KafkaSourceSpec.EARLIEST;
        kafka.getSpec().ordering = KafkaSourceSpec.UNORDERED;
        kafka.getSpec().delivery = new DeliverySpec();
        kafka.getSpec().delivery.retry = 5;
        kafka.getSpec().delivery.backoffDelay = "PT0.5S";
        kafka.getSpec().delivery.timeout = "PT3S";

        CronSource cron = named(new CronSource());
        cron.setSpec(new CronSourceSpec());
        cron.getSpec().schedule = "*/5 * * * *";
        cron.getSpec().timezone = "Europe/Paris";
        cron.getSpec().data = "{\"tick\":true}";
        cron.getSpec().contentType = "application/json";

        return Stream.of(
                Arguments.of("github", gh, null, (Consumer<Map<String, String>>) env -> {
                    GitHubWebhook.Settings s = read(env, e -> GitHubWebhook.Settings.from(e));
                    assertThat(s.secret()).isEqualTo("resolved-secret");
                    assertThat(s.previousSecret()).as("a rotation's previous secret").isEqualTo("resolved-secret");
                    assertThat(s.eventTypes()).isEqualTo(Set.of("push", "pull_request"));
                    assertThat(s.repositories()).containsExactly("kiln-dev/kiln");
                    assertThat(common("github", env).overrides().apply(io.cloudevents.core.builder.CloudEventBuilder.v1().withId("1")
                            .withSource(URI.create("/s")).withType("t").build()).getExtension("team")).isEqualTo("platform");
                }),
                Arguments.of("gitlab", gl, null, (Consumer<Map<String, String>>) env -> {
                    GitLabWebhook.Settings s = read(env, e -> GitLabWebhook.Settings.from(e));
                    assertThat(s.secrets()).containsExactly("resolved-secret");
                    assertThat(s.signingTokens()).as("the signing token and the previous one").hasSize(2);
                    assertThat(s.hooks()).isNotEmpty();
                    assertThat(s.projects()).containsExactly("group/project");
                }),
                Arguments.of("kafka", kafka, "http://dls.ns.svc.cluster.local", (Consumer<Map<String, String>>) env -> {
                    KafkaAdapter.Settings s = read(env, e -> KafkaAdapter.Settings.from(e, "ns", "src"));
                    assertThat(s.bootstrapServers()).isEqualTo("kafka-0:9092,kafka-1:9092");
                    assertThat(s.topics()).containsExactly("orders");
                    assertThat(s.group()).isEqualTo("billing");
                    assertThat(s.initialOffset()).isEqualTo("earliest");
                    assertThat(s.ordered()).isFalse();
                    AdapterSettings common = common("kafka", env);
                    assertThat(common.deadLetterSink()).isEqualTo(URI.create("http://dls.ns.svc.cluster.local"));
                    assertThat(common.send().retry()).isEqualTo(5);
                    assertThat(common.send().backoffDelay()).isEqualTo(Duration.ofMillis(500));
                    assertThat(common.send().timeout()).isEqualTo(Duration.ofSeconds(3));
                }),
                Arguments.of("cron", cron, null, (Consumer<Map<String, String>>) env -> {
                    CronAdapter.Settings s = read(env, e -> CronAdapter.Settings.from(e));
                    assertThat(s.schedule()).isEqualTo("*/5 * * * *");
                    assertThat(s.zone().getId()).isEqualTo("Europe/Paris");
                    assertThat(new String(s.data())).isEqualTo("{\"tick\":true}");
                    assertThat(s.contentType()).isEqualTo("application/json");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theAdaptersReadBackWhatTheSourceSays(String kind, HasMetadata source, String dls, Consumer<Map<String, String>> check) {
        AdapterEnvironment environment = AdapterEnvironment.of(source, SINK, dls);
        assertThat(environment.kind()).isEqualTo(kind);
        assertThat(environment.webhook()).isEqualTo(kind.startsWith("git"));
        Map<String, String> env = new HashMap<>();
        for (AdapterEnvironment.Variable v : environment.variables()) {
            // A Secret's key stands for what the kubelet (or kiln dev) puts in the variable.
            env.put(v.name(), v.fromSecret() ? "resolved-secret" : v.value());
        }
        AdapterSettings common = common(kind, env);
        assertThat(common.sink()).isEqualTo(URI.create(SINK));
        assertThat(common.namespace()).isEqualTo("ns");
        assertThat(common.name()).isEqualTo("src");
        check.accept(env);
        assertThat(environment.toString()).doesNotContain("resolved-secret");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void secretsAreReferencesNeverValues(String kind, HasMetadata source, String dls, Consumer<Map<String, String>> check) {
        List<AdapterEnvironment.Variable> secrets = AdapterEnvironment.of(source, SINK, dls).variables().stream()
                .filter(AdapterEnvironment.Variable::fromSecret).toList();
        if (kind.startsWith("git")) {
            assertThat(secrets).isNotEmpty().allSatisfy(v -> {
                assertThat(v.secretKey()).isEqualTo("token");
                assertThat(v.value()).isNull();
            });
            assertThat(secrets.get(0).secretName()).isEqualTo("hook");
        } else {
            assertThat(secrets).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void linearBackoffIsRefusedRatherThanChangedSilently() {
        KafkaSource kafka = named(new KafkaSource());
        kafka.setSpec(new KafkaSourceSpec());
        kafka.getSpec().delivery = new DeliverySpec();
        kafka.getSpec().delivery.backoffPolicy = DeliverySpec.LINEAR;
        assertThatThrownBy(() -> AdapterEnvironment.of(kafka, SINK, null)).hasMessageContaining("spec.delivery.backoffPolicy");
    }

    static AdapterSettings common(String kind, Map<String, String> env) {
        return read(env, e -> AdapterSettings.from(kind, e));
    }

    static <T> T read(Map<String, String> values, java.util.function.Function<Env, T> reader) {
        Env env = new Env(values);
        T settings = reader.apply(env);
        assertThat(env.problems()).isEmpty();
        return settings;
    }
}
