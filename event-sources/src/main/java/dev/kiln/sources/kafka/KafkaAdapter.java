package dev.kiln.sources.kafka;

import dev.kiln.http.DeadLetters;
import dev.kiln.http.Retries;
import dev.kiln.kafka.OffsetTracker;
import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.Env;
import dev.kiln.sources.send.SendPolicy;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
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
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * KafkaSource's adapter: a consumer group on the topics, each record sent to the sink as a CloudEvent.
 * <ul>
 * <li><b>ordered</b>: per partition one record in flight; the next waits for the sink's answer (KafkaSource's
 *     default). <b>unordered</b>: up to {@code KAFKA_MAX_IN_FLIGHT} records in flight over all partitions.</li>
 * <li><b>At-least-once</b>: an offset is committed only once every record before it has a final outcome: the sink
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
        final ArrayDeque<ConsumerRecord<byte[], byte[]>> queued = new ArrayDeque<>();
        int inFlight;
    }

    private final Settings settings;
    private final AdapterSettings adapter;
    private final SinkSender sender;
    private final SourceMetrics metrics;
    private final Vertx vertx;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
    private final Map<TopicPartition, PartitionQueue> partitions = new HashMap<>(); // guarded by this
    private final Set<TopicPartition> paused = new HashSet<>(); // consumer thread only
    private final Thread thread;
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
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.initialOffset());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(10, settings.maxInFlight()));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.group() + "-" + adapter.name());
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "kiln-kafka-source-" + adapter.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** @return whether the group has assigned this adapter its partitions at least once (readiness) */
    public boolean assigned() {
        return assigned;
    }

    private void run() {
        try {
            consumer.subscribe(settings.topics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    if (!revoked.isEmpty()) {
                        LOG.log(Level.INFO, "partitions revoked: {0}", revoked);
                    }
                    commitSync(tracker.current(revoked));
                    drop(revoked);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    LOG.log(Level.WARNING, "partitions lost to another member: {0}", lost);
                    drop(lost); // another member owns them already: committing now could move its offsets back
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> added) {
                    if (!added.isEmpty()) {
                        LOG.log(Level.INFO, "partitions assigned: {0}", added);
                    }
                    assigned = true;
                }
            });
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    tracker.started(tp, r.offset());
                    synchronized (this) {
                        partitions.computeIfAbsent(tp, k -> new PartitionQueue()).queued.add(r);
                    }
                }
                dispatch();
                backPressure();
                Map<TopicPartition, Long> commit = tracker.committable();
                if (!commit.isEmpty()) {
                    consumer.commitAsync(offsets(commit), (o, e) -> {
                        if (e != null) {
                            LOG.log(Level.WARNING, "offset commit failed (retried with the next one): {0}", e.toString());
                        }
                    });
                }
            }
        } catch (WakeupException e) {
            // close() woke the consumer
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Kafka source " + adapter.namespace() + "/" + adapter.name() + " stopped consuming", e);
        } finally {
            try {
                commitSync(tracker.current(consumer.assignment()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "final offset commit failed; uncommitted records will be read again: {0}", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void commitSync(Map<TopicPartition, Long> commit) {
        if (!commit.isEmpty()) {
            consumer.commitSync(offsets(commit), Duration.ofSeconds(10));
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> commit) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        commit.forEach((tp, o) -> out.put(tp, new OffsetAndMetadata(o)));
        return out;
    }

    private void drop(Collection<TopicPartition> gone) {
        tracker.forget(gone);
        synchronized (this) {
            // Queued records are dropped; in-flight ones still count against the bound until they finish.
            gone.forEach(partitions::remove);
        }
        paused.removeAll(gone);
    }

    /** A record on its way, with the queue it was taken from. */
    private record Started(TopicPartition partition, PartitionQueue queue, ConsumerRecord<byte[], byte[]> record) {
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
                    start.add(new Started(e.getKey(), q, q.queued.poll()));
                }
            }
        }
        for (Started s : start) {
            process(s.record()).onComplete(ar -> finished(s));
        }
    }

    private void finished(Started s) {
        synchronized (this) {
            inFlight--;
            // The queue the record came from, even if a rebalance replaced it since: counting against the new one
            // would leave it below zero, and an ordered partition would never start another record.
            s.queue().inFlight--;
        }
        tracker.finished(s.partition(), s.record().offset()); // ignored when the partition was revoked meanwhile
        if (running) {
            dispatch();
        }
    }

    private void backPressure() {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<TopicPartition, PartitionQueue> e : partitions.entrySet()) {
                boolean full = e.getValue().queued.size() >= 2 * settings.maxInFlight();
                if (full && !paused.contains(e.getKey())) {
                    pause.add(e.getKey());
                } else if (!full && paused.contains(e.getKey())) {
                    resume.add(e.getKey());
                }
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            paused.addAll(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            paused.removeAll(resume);
        }
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
        SendPolicy policy = adapter.send();
        sender.send(event, adapter.sink(), policy).onComplete(ar -> {
            SinkSender.Result r = ar.result();
            if (r.accepted()) {
                done.complete();
            } else if (adapter.deadLetterSink() != null) {
                CloudEvent dead = DeadLetters.annotate(event, adapter.sink().toString(), r.status(), r.body());
                sender.send(dead, adapter.deadLetterSink(), policy).onComplete(dr -> {
                    if (dr.result().accepted()) {
                        metrics.deadLettered();
                        done.complete();
                    } else {
                        later(event, done, "the dead-letter sink did not accept it either: " + dr.result().describe());
                    }
                });
            } else if (!Retries.retryable(r.status())) {
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
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(15_000);
    }
}
