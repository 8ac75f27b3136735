package dev.kiln.sources.kafka;

import dev.kiln.http.Retries;
import dev.kiln.kafka.AtLeastOnceConsumer;
import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.Env;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * KafkaSource's adapter: a consumer group on the topics, each record sent to the sink as a CloudEvent.
 * <ul>
 * <li><b>ordered</b>: per partition one record in flight; the next waits for the sink's answer (KafkaSource's
 *     default). <b>unordered</b>: up to {@code KAFKA_MAX_IN_FLIGHT} records in flight over all partitions.</li>
 * <li><b>At-least-once</b> ({@link AtLeastOnceConsumer}, shared with durable Brokers' Triggers): an offset is
 *     committed only once every record before it has a final outcome: the sink
 *     accepted it, the dead-letter sink accepted it, or the sink refused it with a non-retryable 4xx and there is no
 *     dead-letter sink. While the sink fails with a retryable answer (5xx, timeouts) and no dead-letter sink takes
 *     the record, it is retried every {@code SEND_MAX_DELAY} until the sink recovers: never skipped.</li>
 * <li><b>Rebalances</b>: on revocation the committable offsets of the revoked partitions are committed
 *     synchronously and their queued records dropped; late outcomes of their in-flight records are ignored, so
 *     the new owner re-reads them (a duplicate, never a loss or a commit past an unfinished record).</li>
 * <li>Back-pressure: a partition with more than {@code 2 × maxInFlight} records queued is paused.</li>
 * </ul>
 */
public final class KafkaAdapter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaAdapter.class.getName());

    /**
     * The Kafka-specific settings.
     *
     * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}
     * @param topics {@code KAFKA_TOPICS}
     * @param group {@code KAFKA_CONSUMER_GROUP} (default {@code kiln-kafka-source.<ns>.<name>})
     * @param initialOffset {@code KAFKA_INITIAL_OFFSET}: where a new group starts, {@code earliest} or {@code latest} (default)
     * @param ordered {@code KAFKA_ORDERING}: {@code ordered} (default) or {@code unordered}
     * @param keyType {@code KAFKA_KEY_TYPE}: {@code string} (default), {@code int}, {@code float}, {@code byte-array}
     * @param maxInFlight {@code KAFKA_MAX_IN_FLIGHT}: records in flight when unordered (default 100)
     */
    public record Settings(String bootstrapServers, List<String> topics, String group, String initialOffset, boolean ordered,
            String keyType, int maxInFlight) {

        /** Reads the settings; problems are recorded on {@code env}. */
        public static Settings from(Env env, String namespace, String name) {
            String bootstrap = env.required("KAFKA_BOOTSTRAP_SERVERS", "the Kafka cluster, host:port[,host:port]");
            List<String> topics = env.list("KAFKA_TOPICS");
            if (topics.isEmpty()) {
                env.problem("KAFKA_TOPICS is not set: the topics to read, comma-separated");
            }
            String offset = env.optional("KAFKA_INITIAL_OFFSET", "latest");
            if (!offset.equals("earliest") && !offset.equals("latest")) {
                env.problem("KAFKA_INITIAL_OFFSET=" + offset + ": must be earliest or latest");
            }
            String ordering = env.optional("KAFKA_ORDERING", "ordered");
            if (!ordering.equals("ordered") && !ordering.equals("unordered")) {
                env.problem("KAFKA_ORDERING=" + ordering + ": must be ordered or unordered");
            }
            String keyType = env.optional("KAFKA_KEY_TYPE", "string");
            if (!Set.of("string", "int", "float", "byte-array").contains(keyType)) {
                env.problem("KAFKA_KEY_TYPE=" + keyType + ": must be string, int, float or byte-array");
            }
            return new Settings(bootstrap, topics, env.optional("KAFKA_CONSUMER_GROUP", "kiln-kafka-source." + namespace + "." + name),
                    offset, ordering.equals("ordered"), keyType, env.integer("KAFKA_MAX_IN_FLIGHT", 100, 1));
        }
    }

    /** One owned partition's queue. */
    private static final class PartitionQueue {
        final ArrayDeque<Queued> queued = new ArrayDeque<>();
        int inFlight;
    }

    private final Settings settings;
    private final AdapterSettings adapter;
    private final SinkSender sender;
    private final SourceMetrics metrics;
    private final Vertx vertx;
    private final AtLeastOnceConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionQueue> partitions = new HashMap<>(); // guarded by this
    private int inFlight; // guarded by this
    private volatile boolean running = true;
    private volatile boolean assigned;

    /**
     * Subscribes and starts consuming on its own thread.
     *
     * @param settings the topics and group
     * @param adapter the sink, dead-letter sink and send policy
     * @param sender sends to the sinks
     * @param metrics counts outcomes
     * @param vertx runs the retry timers
     */
    public KafkaAdapter(Settings settings, AdapterSettings adapter, SinkSender sender, SourceMetrics metrics, Vertx vertx) {
        this.settings = settings;
        this.adapter = adapter;
        this.sender = sender;
        this.metrics = metrics;
        this.vertx = vertx;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.initialOffset());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(10, settings.maxInFlight()));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.group() + "-" + adapter.name());
        this.consumer = new AtLeastOnceConsumer<>("kafka-source-" + adapter.namespace() + "-" + adapter.name(),
                props, new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.topics(), Integer.MAX_VALUE,
                new AtLeastOnceConsumer.Handler<>() {
                    @Override
                    public void accept(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
                        queue(record, finished);
                    }

                    @Override
                    public Set<TopicPartition> throttled(Set<TopicPartition> assignment) {
                        return full();
                    }

                    @Override
                    public void assigned(Collection<TopicPartition> added) {
                        assigned = true;
                    }

                    @Override
                    public void removed(Collection<TopicPartition> gone) {
                        drop(gone);
                    }

                    @Override
                    public void restarting(RuntimeException cause, int attempt, java.time.Duration backoff) {
                        metrics.consumerRestarted();
                    }
                });
    }

    /**
     * @return whether the group has assigned this adapter its partitions at least once, and its consumer is neither
     *     restarting nor stopped (readiness)
     */
    public boolean assigned() {
        return assigned && !consumer.restarting() && alive();
    }

    /**
     * @return false once the consumer stopped for good (liveness): it restarts itself after ordinary failures, but not
     *     after an {@link Error}, and then only a new process reads the topics again
     */
    public boolean alive() {
        return !consumer.stopped();
    }

    private void drop(Collection<TopicPartition> gone) {
        synchronized (this) {
            // Queued records are dropped; in-flight ones still count against the bound until they finish.
            gone.forEach(partitions::remove);
        }
    }

    /** A polled record, with what to run once its outcome is final. */
    private record Queued(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
    }

    /** A record on its way, with the queue it was taken from. */
    private record Started(PartitionQueue queue, Queued queued) {
    }

    private void queue(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
        synchronized (this) {
            partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), k -> new PartitionQueue())
                    .queued.add(new Queued(record, finished));
        }
        dispatch();
    }

    /** Starts every record that ordering and the in-flight bound allow. */
    private void dispatch() {
        List<Started> start = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<TopicPartition, PartitionQueue> e : partitions.entrySet()) {
                PartitionQueue q = e.getValue();
                while (!q.queued.isEmpty() && (settings.ordered() ? q.inFlight == 0 : inFlight < settings.maxInFlight())) {
                    q.inFlight++;
                    inFlight++;
                    start.add(new Started(q, q.queued.poll()));
                }
            }
        }
        for (Started s : start) {
            process(s.queued().record()).onComplete(ar -> finished(s));
        }
    }

    private void finished(Started s) {
        synchronized (this) {
            inFlight--;
            // The queue the record came from, even if a rebalance replaced it since: counting against the new one
            // would leave it below zero, and an ordered partition would never start another record.
            s.queue().inFlight--;
        }
        s.queued().finished().run(); // ignored when the partition was revoked meanwhile
        if (running) {
            dispatch();
        }
    }

    /** @return the partitions with more than {@code 2 × maxInFlight} records queued: paused until they drain */
    private synchronized Set<TopicPartition> full() {
        Set<TopicPartition> full = new HashSet<>();
        partitions.forEach((tp, q) -> {
            if (q.queued.size() >= 2 * settings.maxInFlight()) {
                full.add(tp);
            }
        });
        return full;
    }

    /** @return completes when the record's outcome is final; never fails */
    private Future<Void> process(ConsumerRecord<byte[], byte[]> record) {
        CloudEvent event;
        try {
            event = KafkaRecords.toCloudEvent(record, adapter.namespace(), adapter.name(), settings.keyType());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                    + " cannot be mapped to a CloudEvent and is skipped", e);
            metrics.dropped("unmappable");
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        deliver(event, done);
        return done.future();
    }

    private void deliver(CloudEvent event, Promise<Void> done) {
        sender.deliver(event, adapter.sink(), adapter.send(), adapter.deadLetterSink()).onComplete(ar -> {
            SinkSender.Result r = ar.result(); // never a failed future
            if (r.accepted()) {
                done.complete();
            } else if (r.deadLettered()) {
                metrics.deadLettered();
                done.complete();
            } else if (adapter.deadLetterSink() == null && !Retries.retryable(r.status())) {
                LOG.log(Level.WARNING, "event {0} refused by the sink ({1}) and there is no dead-letter sink: dropped",
                        new Object[] {event.getId(), r.describe()});
                metrics.dropped("refused");
                done.complete();
            } else {
                later(event, done, r.describe());
            }
        });
    }

    private void later(CloudEvent event, Promise<Void> done, String why) {
        if (!running) {
            return; // never final: its offset stays uncommitted, so the next consumer reads it again
        }
        long wait = adapter.send().maxDelay().toMillis();
        LOG.log(Level.WARNING, "event {0} not delivered ({1}); trying again in {2} ms", new Object[] {event.getId(), why, wait});
        vertx.setTimer(Math.max(1, wait), t -> deliver(event, done));
    }

    /** Stops consuming and commits what is final; records still in flight are read again by the next consumer. */
    @Override
    public void close() {
        running = false;
        consumer.close();
    }
}
