package dev.kiln.eventing.durable;

import dev.kiln.kafka.AtLeastOnceConsumer;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One Trigger of a durable Broker: its own consumer group on the Broker's topic (as in Knative's Kafka
 * broker), a bounded number of deliveries in flight, and offsets committed only up to the oldest record whose
 * delivery is not final ({@link AtLeastOnceConsumer}, shared with the KafkaSource's adapter). A crash therefore
 * loses nothing: every record without a final outcome is read again.
 *
 * <p>A new group starts at the topic's end as it is when the Trigger is first applied: the Trigger sees
 * every event accepted after it exists, and none from before (like a Knative Trigger). The group is
 * static ({@code group.instance.id}), so a restarted process takes its partitions back at once instead of
 * waiting out the dead member's session.
 */
public final class TriggerConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TriggerConsumer.class.getName());

    private final KafkaBrokerConfig config;
    private final String group;
    private final int maxInFlight;
    private final Function<CloudEvent, Future<?>> handler;
    private final AtLeastOnceConsumer<String, byte[]> consumer;

    /**
     * Prepares the group and starts consuming.
     *
     * @param config the Broker's topic and cluster
     * @param group the consumer group, stable across restarts (e.g. {@code kiln-trigger-<ns>-<name>})
     * @param maxInFlight deliveries in flight before consumption pauses
     * @param handler filters and delivers one event; its future completes when the outcome is final
     *     (delivered, dead-lettered or given up on), and fails only when it is not (the record is then not committed)
     * @throws IllegalStateException when Kafka cannot be reached
     */
    public TriggerConsumer(KafkaBrokerConfig config, String group, int maxInFlight, Function<CloudEvent, Future<?>> handler) {
        this.config = config;
        this.group = group;
        this.maxInFlight = maxInFlight;
        this.handler = handler;
        startAtEndIfNew();
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group + "-0");
        // Only reached for partitions added after the group was set up: those are read from their start.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, maxInFlight));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        this.consumer = new AtLeastOnceConsumer<>(group, props, new StringDeserializer(), new ByteArrayDeserializer(), List.of(config.topic()),
                maxInFlight, this::dispatch);
    }

    /** @return the Broker's settings this consumer reads with */
    public KafkaBrokerConfig config() {
        return config;
    }

    /** @return why the consumer is restarting (its Trigger is then not ready), or null while it runs */
    public String restarting() {
        RuntimeException e = consumer.failure();
        return consumer.restarting() && e != null ? "the consumer of topic " + config.topic() + " failed (" + e + ") and starts again"
                + " after a backoff (restart " + consumer.restarts() + "); undelivered events stay in the topic" : null;
    }

    /** @return how many times the consumer started again after a failure */
    public int restarts() {
        return consumer.restarts();
    }

    private void startAtEndIfNew() {
        try (Admin admin = EventLog.admin(config.bootstrapServers())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            if (!committed.isEmpty()) {
                return;
            }
            var description = admin.describeTopics(List.of(config.topic())).allTopicNames().get(20, TimeUnit.SECONDS).get(config.topic());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(p -> latest.put(new TopicPartition(config.topic(), p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            admin.listOffsets(latest).all().get(20, TimeUnit.SECONDS)
                    .forEach((tp, info) -> start.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, start).all().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up consumer group " + group, e);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + ": could not set up consumer group "
                    + group + " on topic " + config.topic() + ": " + cause.getMessage(), e);
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record, Runnable finished) {
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(record).toEvent();
        } catch (RuntimeException e) {
            // Never deliverable: skipping it beats blocking the partition behind it forever (Knative does the same).
            LOG.warning(group + ": skipped record " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": not a CloudEvent: "
                    + e.getMessage());
            finished.run();
            return;
        }
        // An unexpected failure here propagates: the consumer restarts with backoff and reads the event again. A failed
        // outcome (a durable flow could not store a step's output) leaves the record pending: it is read again after a
        // restart rather than committed without its output.
        handler.apply(event).onComplete(ar -> {
            if (ar.succeeded()) {
                finished.run();
            } else {
                LOG.warning(group + ": event " + event.getId() + " has no final outcome (" + ar.cause() + "); it is read again after a restart");
            }
        });
    }

    /**
     * Stops consuming, waits up to {@code drain} for deliveries in flight so their offsets are committed, and
     * leaves the rest to be read again next time.
     *
     * @param drain how long to wait for deliveries in flight
     */
    public void close(Duration drain) {
        consumer.close(drain);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
