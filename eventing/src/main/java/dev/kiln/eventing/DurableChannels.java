package dev.kiln.eventing;

import dev.kiln.api.validation.FieldErrors;
import dev.kiln.eventing.durable.EventLog;
import dev.kiln.eventing.durable.KafkaBrokerConfig;
import dev.kiln.eventing.durable.TriggerConsumer;
import io.cloudevents.CloudEvent;
import io.fabric8.knative.messaging.v1.ChannelTemplateSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The channels of a Sequence or Parallel whose {@code spec.channelTemplate} is a {@code KafkaChannel}: one Kafka topic
 * per channel, named as Knative's KafkaChannel names them ({@code knative-messaging-kafka.<ns>.<channel>}, the channels
 * being {@code <name>-kn-sequence-<i>} and {@code <name>-kn-parallel}), each read by a consumer group per subscriber
 * through the same at-least-once loop as a durable Broker's Triggers.
 */
final class DurableChannels implements AutoCloseable {

    /** Knative's in-memory channel kind: no Kafka. */
    static final String IN_MEMORY = "InMemoryChannel";
    /** Knative's Kafka channel kind. */
    static final String KAFKA = "KafkaChannel";

    private final EventLog log;
    private final List<KafkaBrokerConfig> topics;
    private final String groups;
    private final int concurrency;
    private final List<TriggerConsumer> consumers = new CopyOnWriteArrayList<>();

    private DurableChannels(EventLog log, List<KafkaBrokerConfig> topics, String groups, int concurrency) {
        this.log = log;
        this.topics = topics;
        this.groups = groups;
        this.concurrency = concurrency;
    }

    /**
     * @param plane the plane (its Kafka, its lanes' concurrency)
     * @param flow the Sequence or Parallel
     * @param template its {@code spec.channelTemplate}, or null
     * @param count how many channels it needs
     * @param errors where a template Kiln cannot honour is reported
     * @return the channels with their topics created, or null for channels in memory
     */
    static DurableChannels of(EventingPlane plane, HasMetadata flow, ChannelTemplateSpec template, int count, FieldErrors errors) {
        String kind = template == null ? null : template.getKind();
        if (kind == null || kind.equals(IN_MEMORY)) {
            return null;
        }
        if (!kind.equals(KAFKA)) {
            errors.add("spec.channelTemplate.kind", "must be " + IN_MEMORY + " or " + KAFKA + ", not " + kind);
            return null;
        }
        String servers = plane.options().kafkaBootstrapServers();
        if (servers == null) {
            errors.add("spec.channelTemplate", "a " + KAFKA + " needs a Kafka: start kiln dev with --kafka");
            return null;
        }
        Map<?, ?> spec = template.getSpec() instanceof Map<?, ?> m ? m : Map.of();
        int partitions = number(spec.get("numPartitions"), 1);
        short replication = (short) number(spec.get("replicationFactor"), 1);
        if (partitions < 1 || replication < 1) {
            errors.add("spec.channelTemplate.spec", "numPartitions and replicationFactor must be at least 1");
            return null;
        }
        String ns = flow.getMetadata().getNamespace() == null ? "default" : flow.getMetadata().getNamespace();
        String name = flow.getMetadata().getName();
        String flowKind = flow.getKind().toLowerCase(Locale.ROOT);
        List<KafkaBrokerConfig> topics = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String channel = flowKind.equals("sequence") ? name + "-kn-sequence-" + i : name + "-kn-parallel";
            topics.add(new KafkaBrokerConfig(servers, "knative-messaging-kafka." + ns + "." + channel, partitions, replication, false));
        }
        EventLog log = plane.log(servers);
        try {
            topics.forEach(log::prepare);
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            errors.add("spec.channelTemplate", "Kafka at " + servers + ": " + e.getMessage() + "; apply the " + flow.getKind() + " again once Kafka is up");
            return null;
        }
        return new DurableChannels(log, topics, "kiln-" + flowKind + "-" + ns + "-" + name, plane.options().laneConcurrency());
    }

    private static int number(Object value, int fallback) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return fallback;
    }

    /** @return the flow's input accepted once Kafka has it */
    Future<EventingPlane.Admission> publish(CloudEvent event) {
        return log.append(topics.get(0).topic(), event).map(EventingPlane.Admission.ACCEPTED)
                .otherwise(EventingPlane.Admission.UNAVAILABLE);
    }

    /** @return done once channel {@code i} has the event */
    Future<Void> append(int i, CloudEvent event) {
        return log.append(topics.get(i).topic(), event);
    }

    /** Starts a Sequence's subscribers: step {@code i} reads channel {@code i}. */
    void start(IntFunction<Function<CloudEvent, Future<?>>> steps, int count) {
        for (int i = 0; i < count; i++) {
            consumers.add(new TriggerConsumer(topics.get(i), groups + "-" + i, concurrency, steps.apply(i)));
        }
    }

    /** Starts a Parallel's subscribers: each branch reads the one channel in its own group. */
    void startBranches(IntFunction<Function<CloudEvent, Future<?>>> branches, int count) {
        for (int j = 0; j < count; j++) {
            consumers.add(new TriggerConsumer(topics.get(0), groups + "-" + j, concurrency, branches.apply(j)));
        }
    }

    /** @return why a subscriber's consumer is restarting, or null */
    String restarting() {
        return consumers.stream().map(TriggerConsumer::restarting).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    @Override
    public void close() {
        consumers.forEach(TriggerConsumer::close);
    }
}
