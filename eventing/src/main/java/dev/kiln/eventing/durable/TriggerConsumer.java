package dev.kiln.eventing.durable;

import dev.kiln.kafka.OffsetTracker;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One Trigger of a durable Broker: its own consumer group on the Broker's topic (as in Knative's Kafka
 * broker), a bounded number of deliveries in flight, and offsets committed only up to the oldest record whose
 * delivery is not final. A crash therefore loses nothing: every record without a final outcome is read again.
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
    private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
    private final Thread thread;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile long drainUntil = Long.MAX_VALUE;
    private volatile String failure;

    /**
     * Prepares the group and starts consuming.
     *
     * @param config the Broker's topic and cluster
     * @param group the consumer group, stable across restarts (e.g. {@code kiln-trigger-<ns>-<name>})
     * @param maxInFlight deliveries in flight before consumption pauses
     * @param handler filters and delivers one event; its future completes when the outcome is final
     *     (delivered, dead-lettered or given up on) and must not fail
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
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only reached for partitions added after the group was set up: those are read from their start.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, maxInFlight));
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "kiln-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the Broker's settings this consumer reads with */
    public KafkaBrokerConfig config() {
        return config;
    }

    /** @return why the consumer stopped on its own (its Trigger is then not ready), or null while it runs */
    public String failure() {
        return failure;
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

    private void run() {
        try {
            consumer.subscribe(List.of(config.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitSync(partitions);
                    tracker.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    tracker.forget(partitions); // another member owns them now: committing would be wrong
                }
            });
            while (running && (drainUntil == Long.MAX_VALUE || (tracker.pending() > 0 && System.nanoTime() < drainUntil))) {
                boolean saturated = tracker.pending() >= maxInFlight || drainUntil != Long.MAX_VALUE;
                if (saturated) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    dispatch(record);
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = offsets(tracker.committable());
                if (!offsets.isEmpty()) {
                    consumer.commitAsync(offsets, (o, error) -> {
                        if (error != null) {
                            LOG.fine(() -> group + ": commit failed (a later commit covers it): " + error);
                        }
                    });
                }
            }
            commitSync(consumer.assignment());
        } catch (WakeupException e) {
            commitSync(consumer.assignment());
        } catch (RuntimeException e) {
            failure = "the consumer of topic " + config.topic() + " stopped: " + e + "; undelivered events stay in the topic:"
                    + " apply the Trigger again (or restart) to resume";
            LOG.log(Level.SEVERE, group + ": " + failure, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long offset = record.offset();
        tracker.started(tp, offset);
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(record).toEvent();
        } catch (RuntimeException e) {
            // Never deliverable: skipping it beats blocking the partition behind it forever (Knative does the same).
            LOG.warning(group + ": skipped record " + tp + "@" + offset + ": not a CloudEvent: " + e.getMessage());
            tracker.finished(tp, offset);
            return;
        }
        Future<?> outcome;
        try {
            outcome = handler.apply(event);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, group + ": delivery of event " + event.getId() + " failed unexpectedly; it is read again after a restart", e);
            return; // left pending: the offset stays behind it
        }
        outcome.onComplete(ar -> tracker.finished(tp, offset));
    }

    private void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets(tracker.current(partitions));
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warning(group + ": final commit failed; some events will be delivered again: " + e.getMessage());
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> committable) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        committable.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        return out;
    }

    /**
     * Stops consuming, waits up to {@code drain} for deliveries in flight so their offsets are committed, and
     * leaves the rest to be read again next time.
     *
     * @param drain how long to wait for deliveries in flight
     */
    public void close(Duration drain) {
        drainUntil = System.nanoTime() + drain.toNanos();
        try {
            thread.join(drain.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            running = false;
            consumer.wakeup();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
