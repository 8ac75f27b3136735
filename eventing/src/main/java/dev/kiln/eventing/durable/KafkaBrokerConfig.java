package dev.kiln.eventing.durable;

import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Broker;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Where a durable Broker keeps its events: a Kafka topic. A Broker is durable when it carries Knative's own
 * class annotation {@code eventing.knative.dev/broker.class: Kafka}, so the same manifest selects Knative's
 * Kafka broker on a cluster. Settings come, as on a cluster, from the ConfigMap named by {@code spec.config}
 * ({@code bootstrap.servers}, {@code default.topic.partitions}, {@code default.topic.replication.factor});
 * without one, from the plane's own Kafka ({@code kiln dev --kafka}).
 *
 * @param bootstrapServers the Kafka cluster
 * @param topic the Broker's topic: {@code knative-broker-<namespace>-<name>} as Knative names it, or the
 *     {@code kafka.eventing.knative.dev/external.topic} annotation's topic
 * @param partitions partitions when Kiln creates the topic
 * @param replicationFactor replication when Kiln creates the topic
 * @param external whether the topic belongs to someone else (never created by Kiln)
 */
public record KafkaBrokerConfig(String bootstrapServers, String topic, int partitions, short replicationFactor,
        boolean external) {

    /** Knative's Broker class annotation. */
    public static final String CLASS_ANNOTATION = "eventing.knative.dev/broker.class";
    /** The class value that makes a Broker durable. */
    public static final String KAFKA_CLASS = "Kafka";
    /** Knative's in-memory (channel-based) class, the default. */
    public static final String MT_CLASS = "MTChannelBasedBroker";
    /** Knative's annotation for a Broker on an existing topic. */
    public static final String EXTERNAL_TOPIC_ANNOTATION = "kafka.eventing.knative.dev/external.topic";

    /**
     * @param broker a Broker
     * @return whether it asks for the Kafka class
     * @throws IllegalArgumentException for a class Kiln does not implement (better than silently in memory)
     */
    public static boolean isDurable(Broker broker) {
        Map<String, String> annotations = broker.getMetadata().getAnnotations();
        String brokerClass = annotations == null ? null : annotations.get(CLASS_ANNOTATION);
        if (brokerClass == null || brokerClass.isBlank() || brokerClass.equals(MT_CLASS)) {
            return false;
        }
        if (brokerClass.equals(KAFKA_CLASS) || brokerClass.equals("KafkaNamespaced")) {
            return true;
        }
        throw new IllegalArgumentException("metadata.annotations[" + CLASS_ANNOTATION + "]: broker class " + brokerClass
                + " is not supported; use " + MT_CLASS + " (in memory, the default) or " + KAFKA_CLASS + " (durable)");
    }

    /**
     * Reads a durable Broker's settings.
     *
     * @param broker a Broker for which {@link #isDurable} is true
     * @param configMaps looks up a ConfigMap's data by namespace and name (null when absent)
     * @param defaultBootstrapServers the plane's own Kafka, or null
     * @return the settings
     * @throws IllegalArgumentException naming the field that is wrong and what to do
     */
    public static KafkaBrokerConfig of(Broker broker, BiFunction<String, String, Map<String, String>> configMaps,
            String defaultBootstrapServers) {
        String namespace = broker.getMetadata().getNamespace() == null ? "default" : broker.getMetadata().getNamespace();
        KReference ref = broker.getSpec() == null ? null : broker.getSpec().getConfig();
        Map<String, String> data = Map.of();
        if (ref != null) {
            if (ref.getKind() != null && !ref.getKind().equals("ConfigMap")) {
                throw new IllegalArgumentException("spec.config.kind: a Kafka Broker is configured by a ConfigMap, not " + ref.getKind());
            }
            String ns = ref.getNamespace() == null || ref.getNamespace().isBlank() ? namespace : ref.getNamespace();
            data = configMaps.apply(ns, ref.getName());
            if (data == null) {
                throw new IllegalArgumentException("spec.config: ConfigMap " + ns + "/" + ref.getName() + " does not exist; apply it");
            }
        }
        String bootstrap = data.getOrDefault("bootstrap.servers", defaultBootstrapServers);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("spec.config: a Kafka Broker needs bootstrap.servers: name a ConfigMap that has it"
                    + " in spec.config, or give the plane a Kafka (kiln dev --kafka HOST:PORT)");
        }
        int partitions = positive(data, "default.topic.partitions", 10);
        int replication = positive(data, "default.topic.replication.factor", 1);
        if (replication > Short.MAX_VALUE) {
            throw new IllegalArgumentException("spec.config: default.topic.replication.factor " + replication + " is too large");
        }
        Map<String, String> annotations = broker.getMetadata().getAnnotations();
        String external = annotations == null ? null : annotations.get(EXTERNAL_TOPIC_ANNOTATION);
        boolean isExternal = external != null && !external.isBlank();
        String topic = isExternal ? external.trim() : "knative-broker-" + namespace + "-" + broker.getMetadata().getName();
        return new KafkaBrokerConfig(bootstrap.trim(), topic, partitions, (short) replication, isExternal);
    }

    private static int positive(Map<String, String> data, String key, int fallback) {
        String value = data.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("spec.config: " + key + " must be a positive integer, not \"" + value + "\"");
    }
}
