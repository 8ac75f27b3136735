package dev.kiln.controller.sources;

import dev.kiln.api.duck.CloudEventOverrides;
import dev.kiln.api.duck.DeliverySpec;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.sources.v1alpha1.KafkaSourceDefaults;
import dev.kiln.api.sources.v1alpha1.KafkaSourceSpec;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.testing.GoldenFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Adapter workloads against golden YAML ({@code -Dgolden.update=true} rewrites them). */
class SourceAdaptersTest {

    static final String IMAGE = "ghcr.io/kiln-dev/kiln-event-sources@sha256:" + "5".repeat(64);
    static final String SINK = "http://broker-ingress.knative-eventing.svc.cluster.local/ci/default";

    static <T extends HasMetadata> T named(T source, String name) {
        source.setMetadata(new ObjectMetaBuilder().withNamespace("ci").withName(name).withUid("6c1f7a1e-0d6b-4f7e-9a57-2b8f3c4d5e6f").build());
        return source;
    }

    static Stream<Arguments> sources() {
        GitHubSource gh = named(new GitHubSource(), "hooks");
        gh.setSpec(new GitHubSourceSpec());
        gh.getSpec().secretToken = SecretValueFromSource.of("github-hook", "token");
        gh.getSpec().repositories = List.of("kiln-dev/kiln");
        gh.getSpec().eventTypes = List.of("push", "pull_request");
        gh.getSpec().ceOverrides = new CloudEventOverrides();
        gh.getSpec().ceOverrides.extensions.put("team", "platform");

        KafkaSource kafka = named(new KafkaSource(), "orders");
        kafka.setSpec(new KafkaSourceSpec());
        kafka.getSpec().bootstrapServers = List.of("kafka-0.kafka:9092");
        kafka.getSpec().topics = List.of("orders", "refunds");
        kafka.getSpec().delivery = new DeliverySpec();
        kafka.getSpec().delivery.retry = 5;
        kafka.getSpec().delivery.deadLetterSink = Destination.uri("http://dlq.ci.svc.cluster.local");
        KafkaSourceDefaults.apply(kafka);
        // KILN_IMAGE_PULL_SECRET: the kubelet pulls Kiln's adapter image from a registry that wants credentials.
        return Stream.of(Arguments.of("github", gh, null, null), Arguments.of("kafka", kafka, "http://dlq.ci.svc.cluster.local", null),
                Arguments.of("kafka-image-pull-secret", kafka, "http://dlq.ci.svc.cluster.local", "kiln-images"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void matchesGoldenYaml(String name, HasMetadata source, String deadLetter, String imagePullSecret) {
        AdapterEnvironment env = AdapterEnvironment.of(source, SINK, deadLetter);
        StringBuilder yaml = new StringBuilder(Serialization.asYaml(SourceAdapters.deployment(source, env, IMAGE, imagePullSecret)));
        if (env.webhook()) {
            yaml.append(Serialization.asYaml(SourceAdapters.service(source, env.kind())));
        }
        GoldenFiles.assertMatches("adapter-" + name + ".yaml", yaml.toString());
    }

    @org.junit.jupiter.api.Test
    void settingThePullSecretLaterUpdatesTheAdapter() {
        HasMetadata kafka = (HasMetadata) sources().filter(a -> "kafka".equals(a.get()[0])).findFirst().orElseThrow().get()[1];
        AdapterEnvironment env = AdapterEnvironment.of(kafka, SINK, null);
        var without = SourceAdapters.deployment(kafka, env, IMAGE, null);
        var with = SourceAdapters.deployment(kafka, env, IMAGE, "kiln-images");
        org.assertj.core.api.Assertions.assertThat(SourceAdapters.differs(without, with)).isTrue();
        org.assertj.core.api.Assertions.assertThat(SourceAdapters.differs(with, without)).isTrue();
        org.assertj.core.api.Assertions.assertThat(SourceAdapters.differs(with, SourceAdapters.deployment(kafka, env, IMAGE, "kiln-images"))).isFalse();
    }
}
