package dev.kiln.kafka;

import java.time.Duration;
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
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The one at-least-once consumer loop of Kiln (a durable Broker's Triggers, a KafkaSource's adapter): subscribe,
 * poll on its own thread, hand each record over, and commit only up to the oldest record whose outcome is not final
 * ({@link OffsetTracker}). A crash therefore loses nothing: every record without a final outcome is read again.
 * <ul>
 * <li><b>Rebalances</b>: revoked partitions are committed synchronously as far as they are final, then forgotten, so
 *     late outcomes of their records are ignored and the new owner reads those again (a duplicate, never a loss).
 *     That holds when the new owner is this member again: the records are read anew, and only the new reads'
 *     outcomes count ({@link OffsetTracker#started}). Lost partitions are forgotten without a commit: another member
 *     owns them already. {@link Handler#removed} tells the handler, which should stop working on their records.</li>
 * <li><b>Commits</b>: at most one asynchronous commit is unanswered at a time; the next one, with the offsets
 *     committable by then, goes once it is answered. A commit on every turn of the loop, as before, queued hundreds of
 *     OffsetCommit requests on the coordinator's connection when records finished one by one (a saturated or ordered
 *     consumer turns once per finished record: 540 unanswered after 2,000 records of an ordered KafkaSource), and the
 *     final {@code commitSync} of a close or a revocation waited behind all of them, up to its 10 s timeout
 *     (bench/run-sources: every KafkaSource adapter's stop took ~10 s).</li>
 * <li><b>Flow control</b>: every partition is paused while {@code maxPending} records are not final, or while
 *     draining; otherwise the handler chooses ({@link Handler#throttled}). While every partition is paused the loop
 *     waits for a record to become final, not for a poll's timeout: a poll of paused partitions returns nothing until
 *     its timeout, which capped a saturated consumer at {@code maxPending} records per poll timeout (32 per 50 ms, about
 *     640/s, whatever the subscriber's speed; bench/run-peer found it).</li>
 * <li><b>Stopping</b>: {@link #close(Duration)} stops reading, waits up to the drain time for pending records, commits
 *     what is final (behind one unanswered commit at most) and leaves the rest to be read again.</li>
 * <li><b>Failing</b>: an unexpected error in the loop (a handler's bug, a client that broke) does not stop consuming
 *     for good. The consumer commits what is final, closes, waits ({@link #backoff}: 1 s doubling to 1 min, back to 1 s
 *     after a minute of health) and starts again; what was not final is read again. {@link #restarting()} says so
 *     meanwhile, and {@link Handler#restarting} is told each time, for status and metrics. A consumer that cannot
 *     even be created (no resolvable bootstrap server) is such a failure too.</li>
 * <li><b>Stopping for good</b>: only an {@link Error} (out of memory, a class that cannot load) or an interrupt ends
 *     the loop without {@link #close}; {@link #stopped()} then says so, for a liveness check: nothing is read any more
 *     and only a new process helps.</li>
 * </ul>
 *
 * @param <K> the record key's type
 * @param <V> the record value's type
 */
public final class AtLeastOnceConsumer<K, V> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AtLeastOnceConsumer.class.getName());

    /**
     * What the owner does with records. Every method but {@link #accept}'s {@code finished} runs on the consumer's
     * thread.
     *
     * @param <K> the record key's type
     * @param <V> the record value's type
     */
    public interface Handler<K, V> {

        /**
         * Takes a polled record.
         *
         * @param record the record
         * @param finished to run, on any thread, once the record's outcome is final (delivered, dead-lettered or given
         *     up on); never run, the record stays pending and its offset uncommitted
         */
        void accept(ConsumerRecord<K, V> record, Runnable finished);

        /**
         * @param assignment the partitions owned now
         * @return the partitions to keep paused while the consumer as a whole is not saturated (e.g. one whose queue
         *     is full)
         */
        default Set<TopicPartition> throttled(Set<TopicPartition> assignment) {
            return Set.of();
        }

        /** @param partitions assigned to this member */
        default void assigned(Collection<TopicPartition> partitions) {
        }

            /**
         * @param partitions taken from this member (revoked after their commit, or lost without one): the outcomes of
         *     their records taken so far no longer count, so work on them (a retry) can stop; they are read again
         *     by their next owner, this member included
         */
        default void removed(Collection<TopicPartition> partitions) {
        }

        /**
         * The loop failed and starts again after {@code backoff}: for status and metrics.
         *
         * @param cause what failed
         * @param attempt how many restarts in a row, from 1
         * @param backoff the wait before this restart
         */
        default void restarting(RuntimeException cause, int attempt, Duration backoff) {
        }
    }

    private final String name;
    private final Map<String, Object> props;
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    private volatile KafkaConsumer<K, V> consumer;
    private final List<String> topics;
    private final int maxPending;
    private final Handler<K, V> handler;
    private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long drainUntil = Long.MAX_VALUE;
    private volatile RuntimeException failure;
    private volatile boolean restarting;
    private volatile int restarts;
    private final Object sleeper = new Object();
    /** How long one poll waits for records (and, while every partition is paused, for a record to become final). */
    private final Duration pollTimeout;
    /** Records that became final, ever: the loop waits for it to move while every partition is paused. */
    private final java.util.concurrent.atomic.AtomicLong finishes = new java.util.concurrent.atomic.AtomicLong();
    private final Object progress = new Object();
    private volatile boolean awaitingProgress;
    /** Whether an asynchronous commit is unanswered (the consumer's thread only: commit callbacks run in its polls). */
    private boolean committing;
    /** Asynchronous commits made and answered, and the most ever unanswered at once (tests: it bounds a final commit's wait). */
    private long commitsMade;
    private long commitsAnswered;
    private volatile long mostCommitsUnanswered;

    /** How long one poll waits for records. */
    static final Duration POLL = Duration.ofMillis(50);

    /** The first wait before a restart; doubled each time in a row, up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** The longest wait before a restart. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** How long a restarted loop must run without failing before the backoff starts from {@link #FIRST_BACKOFF} again. */
    static final Duration HEALTHY = Duration.ofMinutes(1);

    /** How long a member may go silent before the group moves its partitions: Kafka's 45 s default, cut to 10 s. */
    static final int SESSION_TIMEOUT_MS = 10_000;

    /**
     * Subscribes and starts consuming on its own thread.
     *
     * @param name names the thread and the log lines, e.g. the consumer group
     * @param properties the consumer's settings (bootstrap servers, group...); auto-commit is always turned off, and
     *     the session timeout is {@value #SESSION_TIMEOUT_MS} ms unless set: a member that died (a killed process, a
     *     lost node) gives its partitions to the others, or to its replacement, within 10 s instead of 45
     * @param keys the keys' deserializer
     * @param values the values' deserializer
     * @param topics the topics to subscribe to
     * @param maxPending records not final before every partition is paused
     * @param handler takes the records
     */
    public AtLeastOnceConsumer(String name, Map<String, Object> properties, Deserializer<K> keys, Deserializer<V> values, List<String> topics,
            int maxPending, Handler<K, V> handler) {
        this(name, properties, keys, values, topics, maxPending, handler, POLL);
    }

    /** As the public constructor, with the poll's timeout chosen (tests). */
    AtLeastOnceConsumer(String name, Map<String, Object> properties, Deserializer<K> keys, Deserializer<V> values, List<String> topics,
            int maxPending, Handler<K, V> handler, Duration pollTimeout) {
        this.pollTimeout = pollTimeout;
        Map<String, Object> props = new HashMap<>(properties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        this.name = name;
        this.props = props;
        this.keys = keys;
        this.values = values;
        this.topics = List.copyOf(topics);
        this.maxPending = maxPending;
        this.handler = handler;
        this.thread = new Thread(this::run, "kiln-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the last failure the loop restarted after, or null when it never failed */
    public RuntimeException failure() {
        return failure;
    }

    /** @return whether the loop failed and is waiting to start again */
    public boolean restarting() {
        return restarting;
    }

    /**
     * @return whether the loop ended for good without {@link #close} (an {@link Error}, an interrupt): nothing is read
     *     any more, and, unlike {@link #restarting()}, it will not start again by itself
     */
    public boolean stopped() {
        return running && drainUntil == Long.MAX_VALUE && !thread.isAlive();
    }

    /** @return how many times the loop started again after a failure */
    public int restarts() {
        return restarts;
    }

    /** @return the wait before the {@code attempt}-th restart in a row: 1 s, 2 s, 4 s... up to a minute */
    static Duration backoff(int attempt) {
        long seconds = FIRST_BACKOFF.toSeconds() << Math.min(Math.max(attempt - 1, 0), 10);
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    /** @return the most asynchronous commits that were ever unanswered at once (at most one: a final commit waits behind it only) */
    long mostCommitsUnanswered() {
        return mostCommitsUnanswered;
    }

    /** @return records polled whose outcome is not final yet */
    public int pending() {
        return tracker.pending();
    }

    private void run() {
        try {
            consume();
        } catch (Error e) {
            LOG.log(Level.SEVERE, name + ": consuming stopped for good; only a new process reads again", e);
        }
    }

    private void consume() {
        int inARow = 0;
        while (running && drainUntil == Long.MAX_VALUE) {
            long started = System.nanoTime();
            RuntimeException failed = runOnce();
            if (failed == null) {
                return;
            }
            inARow = System.nanoTime() - started > HEALTHY.toNanos() ? 1 : inARow + 1;
            Duration wait = backoff(inARow);
            failure = failed;
            restarting = true;
            restarts++;
            LOG.log(Level.SEVERE, name + ": consuming failed; starting again in " + wait.toSeconds() + " s (restart " + inARow
                    + " in a row); records without a final outcome are read again", failed);
            try {
                handler.restarting(failed, inARow, wait);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": the restart listener failed", e);
            }
            synchronized (sleeper) {
                long until = System.nanoTime() + wait.toNanos();
                while (running && drainUntil == Long.MAX_VALUE && System.nanoTime() < until) {
                    try {
                        sleeper.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            // The next consumer reads every record that was not final again: late outcomes of the old ones are ignored.
            tracker.forget(Set.copyOf(trackedPartitions));
            trackedPartitions.clear();
            restarting = false;
        }
    }

    private final Set<TopicPartition> trackedPartitions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One life of the Kafka consumer: subscribe, poll until closed; @return the failure that ended it, or null */
    private RuntimeException runOnce() {
        committing = false; // a closed consumer's unanswered commit is no longer waited for
        commitsAnswered = commitsMade;
        try {
            consumer = new KafkaConsumer<>(props, keys, values);
        } catch (RuntimeException e) {
            return e; // e.g. no resolvable bootstrap server yet: tried again after the backoff, like any failure
        }
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    if (!revoked.isEmpty()) {
                        LOG.log(Level.INFO, "{0}: partitions revoked: {1}", new Object[] {name, revoked});
                    }
                    commitSync(revoked);
                    tracker.forget(revoked);
                    handler.removed(revoked);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    LOG.log(Level.WARNING, "{0}: partitions lost to another member: {1}", new Object[] {name, lost});
                    tracker.forget(lost); // another member owns them already: committing now could move its offsets back
                    handler.removed(lost);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> added) {
                    if (!added.isEmpty()) {
                        LOG.log(Level.INFO, "{0}: partitions assigned: {1}", new Object[] {name, added});
                    }
                    handler.assigned(added);
                }
            });
            long seen = finishes.get();
            while (running && (drainUntil == Long.MAX_VALUE || (tracker.pending() > 0 && System.nanoTime() < drainUntil))) {
                Duration poll = pollTimeout;
                if (throttle()) {
                    // Nothing can be read until a record is final: wait for that, then let poll do its group work at once.
                    seen = awaitProgress(seen);
                    throttle();
                    poll = Duration.ZERO;
                }
                for (ConsumerRecord<K, V> r : consumer.poll(poll)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Runnable outcome = tracker.started(tp, r.offset());
                    trackedPartitions.add(tp);
                    // Ignored once the partition was revoked or lost, even if it was assigned back since.
                    handler.accept(r, () -> finished(outcome));
                }
                commitAsync();
            }
            return null;
        } catch (WakeupException e) {
            return null; // close() gave up waiting for the drain
        } catch (RuntimeException e) {
            return e;
        } finally {
            Set<TopicPartition> owned = Set.of();
            try {
                owned = Set.copyOf(consumer.assignment());
                commitSync(owned);
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": closing the consumer failed", e);
            }
            if (running && drainUntil == Long.MAX_VALUE && !owned.isEmpty()) {
                handler.removed(owned); // a failure: the next consumer starts from what was committed
            }
        }
    }

    /** Commits what is committable now, unless the previous asynchronous commit is unanswered: then its answer's turn does. */
    private void commitAsync() {
        if (committing) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets(tracker.committable());
        if (offsets.isEmpty()) {
            return;
        }
        committing = true;
        commitsMade++;
        mostCommitsUnanswered = Math.max(mostCommitsUnanswered, commitsMade - commitsAnswered);
        consumer.commitAsync(offsets, (o, error) -> {
            committing = false;
            commitsAnswered++;
            if (error != null) {
                LOG.fine(() -> name + ": commit failed (a later commit covers it): " + error);
            }
        });
    }

    private void finished(Runnable outcome) {
        outcome.run();
        finishes.incrementAndGet();
        if (awaitingProgress) { // read after the increment: either the loop sees the new count or this sees it waiting
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** @return the count of final records once it moved past {@code seen}, or after the poll timeout or the drain's deadline */
    private long awaitProgress(long seen) {
        synchronized (progress) {
            awaitingProgress = true;
            try {
                long until = System.nanoTime() + pollTimeout.toNanos();
                while (finishes.get() == seen && running) {
                    long end = Math.min(until, drainUntil); // a drain waits for its pending records, until its deadline
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    progress.wait(Math.max(1, (end - now) / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                awaitingProgress = false;
            }
        }
        return finishes.get();
    }

    /**
     * Pauses every partition while saturated or draining, else exactly those the handler throttles.
     *
     * @return whether every assigned partition is paused now (and there is one)
     */
    private boolean throttle() {
        Set<TopicPartition> assignment = consumer.assignment();
        Set<TopicPartition> pause = new HashSet<>(tracker.pending() >= maxPending || drainUntil != Long.MAX_VALUE ? assignment
                : handler.throttled(assignment));
        pause.retainAll(assignment);
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(pause);
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        if (!paused.containsAll(pause)) {
            consumer.pause(pause);
        }
        return !assignment.isEmpty() && pause.containsAll(assignment);
    }

    private void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets(tracker.current(partitions));
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warning(name + ": commit failed; records after " + offsets + " will be read again: " + e);
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> committable) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        committable.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        return out;
    }

    /**
     * Stops reading, waits up to {@code drain} for pending records so their offsets are committed, and leaves the rest
     * to be read again next time.
     *
     * @param drain how long to wait for pending records
     */
    public void close(Duration drain) {
        drainUntil = System.nanoTime() + drain.toNanos();
        synchronized (sleeper) {
            sleeper.notifyAll(); // a restart's wait ends at once
        }
        synchronized (progress) {
            progress.notifyAll(); // so does a wait for a record to become final (it waits again until the drain's deadline)
        }
        try {
            thread.join(drain.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            running = false;
            KafkaConsumer<K, V> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops at once: records not final yet are read again by the next consumer. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
