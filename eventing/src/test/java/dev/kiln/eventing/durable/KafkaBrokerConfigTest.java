package dev.kiln.eventing.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaBrokerConfigTest {

    static final Map<String, Map<String, String>> CONFIG_MAPS = Map.of(
            "knative-eventing/kafka-broker-config", Map.of("bootstrap.servers", "kafka:9092", "default.topic.partitions", "3",
                    "default.topic.replication.factor", "2"),
            "team/no-servers", Map.of("default.topic.partitions", "1"),
            "team/bad-partitions", Map.of("bootstrap.servers", "k:1", "default.topic.partitions", "zero"));

    static Broker broker(String annotations, String spec) {
        return Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: orders, namespace: team, annotations: %s}
                spec: %s
                """.formatted(annotations, spec), Broker.class);
    }

    static KafkaBrokerConfig config(Broker b, String fallback) {
        return KafkaBrokerConfig.of(b, (ns, name) -> CONFIG_MAPS.get(ns + "/" + name), fallback);
    }

    static Stream<Arguments> durability() {
        return Stream.of(
                Arguments.of("no annotation: in memory", "{}", false),
                Arguments.of("MT class: in memory", "{eventing.knative.dev/broker.class: MTChannelBasedBroker}", false),
                Arguments.of("Kafka class: durable", "{eventing.knative.dev/broker.class: Kafka}", true),
                Arguments.of("KafkaNamespaced class: durable", "{eventing.knative.dev/broker.class: KafkaNamespaced}", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durability")
    void theClassAnnotationSelectsDurability(String name, String annotations, boolean durable) {
        assertThat(KafkaBrokerConfig.isDurable(broker(annotations, "{}"))).isEqualTo(durable);
    }

    static Stream<Arguments> settings() {
        String kafka = "{eventing.knative.dev/broker.class: Kafka}";
        return Stream.of(
                Arguments.of("the plane's Kafka, Knative's topic name", kafka, "{}", "local:9092",
                        new KafkaBrokerConfig("local:9092", "knative-broker-team-orders", 10, (short) 1, false)),
                Arguments.of("spec.config ConfigMap as on a cluster", kafka,
                        "{config: {apiVersion: v1, kind: ConfigMap, name: kafka-broker-config, namespace: knative-eventing}}", "local:9092",
                        new KafkaBrokerConfig("kafka:9092", "knative-broker-team-orders", 3, (short) 2, false)),
                Arguments.of("a ConfigMap without servers falls back to the plane's", kafka,
                        "{config: {kind: ConfigMap, name: no-servers}}", "local:9092",
                        new KafkaBrokerConfig("local:9092", "knative-broker-team-orders", 1, (short) 1, false)),
                Arguments.of("external topic", "{eventing.knative.dev/broker.class: Kafka, kafka.eventing.knative.dev/external.topic: orders-v1}",
                        "{}", "local:9092", new KafkaBrokerConfig("local:9092", "orders-v1", 10, (short) 1, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void readsSettingsAsKnativeDoes(String name, String annotations, String spec, String fallback, KafkaBrokerConfig expected) {
        assertThat(config(broker(annotations, spec), fallback)).isEqualTo(expected);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("an unknown class", "{eventing.knative.dev/broker.class: RabbitMQBroker}", "{}", "local:9092",
                        "broker class RabbitMQBroker is not supported"),
                Arguments.of("no Kafka anywhere", "{eventing.knative.dev/broker.class: Kafka}", "{}", null,
                        "needs bootstrap.servers"),
                Arguments.of("a missing ConfigMap", "{eventing.knative.dev/broker.class: Kafka}", "{config: {kind: ConfigMap, name: gone}}",
                        "local:9092", "ConfigMap team/gone does not exist"),
                Arguments.of("config of another kind", "{eventing.knative.dev/broker.class: Kafka}", "{config: {kind: Secret, name: s}}",
                        "local:9092", "configured by a ConfigMap, not Secret"),
                Arguments.of("bad partitions", "{eventing.knative.dev/broker.class: Kafka}", "{config: {kind: ConfigMap, name: bad-partitions}}",
                        "local:9092", "default.topic.partitions must be a positive integer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badSettingsSayWhatIsWrong(String name, String annotations, String spec, String fallback, String message) {
        assertThatThrownBy(() -> {
            Broker b = broker(annotations, spec);
            if (KafkaBrokerConfig.isDurable(b)) {
                config(b, fallback);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
