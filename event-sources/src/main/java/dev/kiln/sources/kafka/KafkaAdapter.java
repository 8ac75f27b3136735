package dev.kiln.sources.kafka;

import dev.kiln.http.Retries;
import dev.kiln.kafka.AtLeastOnceConsumer;
import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.Env;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.cloudevents.CloudEvent;
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
 *     the new owner re-reads them (a duplicate, never a loss or a commit past an unfinished record). Their retries
 *     stop: a record waiting for its next try is given up at once, one being sent when its attempt ends. When the
 *     partition comes back to this adapter, its first record waits (ordered) until the old read of the partition has
 *     nothing in flight: one record in flight per partition, in order, and no retry loop left over from the old
 *     read.</li>
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

    /**
     * One partition's queue, kept while the partition is owned or has records in flight. The same queue serves a
     * partition revoked and assigned back, so ordered mode sees the old read's record still in flight. All guarded
     * by the adapter.
     */
    private static final class PartitionQueue {
        final TopicPartition partition;
        final ArrayDeque<Queued> queued = new ArrayDeque<>();
        /** Records started and not ended yet, of this read and of earlier ones. */
        int inFlight;
        /** Whether the partition is assigned to this adapter. */
        boolean owned = true;
        /** Which read of the partition is current: bumped on revocation, which ends the earlier reads' retries. */
        int read;
        /** Records of the current read waiting for their next try, with their timers. */
        final Map<Started, Long> waiting = new HashMap<>();

        PartitionQueue(TopicPartition partition) {
            this.partition = partition;
        }
    }

    private final Settings settings;
    private final AdapterSettings adapter;
    private final SinkSender sender;
    private final SourceMetrics metrics;
    private final Vertx vertx;
    private final AtLeastOnceConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionQueue> partitions = new HashMap<>(); // guarded by this
    private int inFlight; // guarded by this
    private long started; // guarded by this
    private volatile boolean running = true;
    private volatile int assignments;

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
                        assignments++; // the consumer's thread only
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
        return assignments > 0 && !consumer.restarting() && alive();
    }

    /**
     * @return false once the consumer stopped for good (liveness): it restarts itself after ordinary failures, but not
     *     after an {@link Error}, and then only a new process reads the topics again
     */
    public boolean alive() {
        return !consumer.stopped();
    }

    /** @return how many times partitions were assigned to this adapter (tests: a rebalance happened) */
    int assignments() {
        return assignments;
    }

    /** @return records started and not ended yet: being sent, or waiting for their next try */
    synchronized int inFlight() {
        return inFlight;
    }

    /** @return records started, ever (a record read again counts again) */
    synchronized long started() {
        return started;
    }

    /**
     * The partitions are no longer this adapter's: their queued records are dropped, and their in-flight ones given
     * up (their outcomes no longer count: the consumer forgot the partitions). A record waiting for its next try
     * ends now; one being sent ends when its attempt does, and is not tried again ({@link #later}).
     */
    private void drop(Collection<TopicPartition> gone) {
        List<Map.Entry<Started, Long>> cancelled = new ArrayList<>();
        synchronized (this) {
            for (TopicPartition tp : gone) {
                PartitionQueue q = partitions.get(tp);
                if (q == null) {
                    continue;
                }
                q.queued.clear();
                q.owned = false;
                q.read++;
                cancelled.addAll(q.waiting.entrySet());
                q.waiting.clear();
                if (q.inFlight == 0) {
                    partitions.remove(tp);
                }
            }
        }
        for (Map.Entry<Started, Long> w : cancelled) {
            vertx.cancelTimer(w.getValue());
            w.getKey().done().complete(false);
        }
    }

    /** A polled record, with what to run once its outcome is final. */
    private record Queued(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
    }

    /**
     * A record on its way: the queue it was taken from, which read of the partition took it, and the promise that
     * ends it: true when its outcome is final (delivered, dead-lettered or given up on), false when it was abandoned
     * without one (its partition revoked, the adapter closing), so that its offset is not committed.
     */
    private record Started(PartitionQueue queue, int read, Queued queued, Promise<Boolean> done) {
    }

    private void queue(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
        synchronized (this) {
            PartitionQueue q = partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), PartitionQueue::new);
            q.owned = true; // assigned again while the old read still has a record in flight: the same queue goes on
            q.queued.add(new Queued(record, finished));
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
                    started++;
                    start.add(new Started(q, q.read, q.queued.poll(), Promise.promise()));
                }
            }
        }
        for (Started s : start) {
            s.done().future().onSuccess(fin -> finished(s, fin));
            process(s);
        }
    }

    private void finished(Started s, boolean fin) {
        synchronized (this) {
            inFlight--;
            PartitionQueue q = s.queue();
            q.inFlight--;
            if (!q.owned && q.inFlight == 0) {
                partitions.remove(q.partition, q); // revoked, and its last record ended: the queue goes
            }
        }
        if (fin) {
            // Ignored by the consumer when the partition was revoked meanwhile, even if it was assigned back since: the
            // record is read again, and only that read's outcome lets its offset be committed.
            s.queued().finished().run();
        }
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

    /** Completes {@code s.done()}: true when the record's outcome is final, false once it is abandoned; never fails it. */
    private void process(Started s) {
        ConsumerRecord<byte[], byte[]> record = s.queued().record();
        CloudEvent event;
        try {
            event = KafkaRecords.toCloudEvent(record, adapter.namespace(), adapter.name(), settings.keyType());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                    + " cannot be mapped to a CloudEvent and is skipped", e);
            metrics.dropped("unmappable");
            s.done().complete(true);
            return;
        }
        deliver(s, event);
    }

    private void deliver(Started s, CloudEvent event) {
        Promise<Boolean> done = s.done();
        sender.deliver(event, adapter.sink(), adapter.send(), adapter.deadLetterSink()).onComplete(ar -> {
            SinkSender.Result r = ar.result(); // never a failed future
            if (r.accepted()) {
                done.complete(true);
            } else if (r.deadLettered()) {
                metrics.deadLettered();
                done.complete(true);
            } else if (adapter.deadLetterSink() == null && !Retries.retryable(r.status())) {
                LOG.log(Level.WARNING, "event {0} refused by the sink ({1}) and there is no dead-letter sink: dropped",
                        new Object[] {event.getId(), r.describe()});
                metrics.dropped("refused");
                done.complete(true);
            } else {
                later(s, event, r.describe());
            }
        });
    }

    /**
     * Tries again after {@code SEND_MAX_DELAY}, while the partition is still read by the read that took the record.
     * Once it was revoked (moved to another member, or even assigned back to this one, which reads the record again)
     * the record is given up: its outcome no longer counts, and a retry loop left running would send it forever
     * beside the new read, out of order.
     */
    private void later(Started s, CloudEvent event, String why) {
        long wait = Math.max(1, adapter.send().maxDelay().toMillis());
        synchronized (this) {
            PartitionQueue q = s.queue();
            if (running && q.read == s.read()) {
                LOG.log(Level.WARNING, "event {0} not delivered ({1}); trying again in {2} ms", new Object[] {event.getId(), why, wait});
                q.waiting.put(s, vertx.setTimer(wait, t -> {
                    synchronized (this) {
                        if (q.waiting.remove(s) == null) {
                            return; // given up by drop() meanwhile
                        }
                    }
                    deliver(s, event);
                }));
                return;
            }
        }
        // Closing, or the partition was revoked: not final, so its offset stays uncommitted and the record is read again.
        LOG.log(Level.INFO, "event {0} not delivered ({1}); not tried again here: {2}", new Object[] {event.getId(), why,
                running ? "its partition was revoked, and is read again by its owner" : "the adapter is closing"});
        s.done().complete(false);
    }

    /** Stops consuming and commits what is final; records still in flight are read again by the next consumer. */
    @Override
    public void close() {
        running = false;
        consumer.close();
    }
}
