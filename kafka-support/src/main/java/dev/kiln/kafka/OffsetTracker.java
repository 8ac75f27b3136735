package dev.kiln.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which offsets may be committed when deliveries finish out of order: per partition, everything below the
 * oldest record whose delivery is not final yet. Committing only that far is what makes a durable Broker (and a
 * KafkaSource) at-least-once: after a crash, every record without a final outcome is read and delivered again.
 *
 * <p>Records are polled on the consumer's thread and finish on delivery threads, hence the locking.
 *
 * @param <P> how partitions are named (Kafka's {@code TopicPartition})
 */
public final class OffsetTracker<P> {

    /** An empty tracker. */
    public OffsetTracker() {
    }

    private final Map<P, Partition> partitions = new HashMap<>();

    private static final class Partition {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1; // one past the highest offset polled
        long committed = -1;
    }

    /**
     * A record was polled and its delivery started.
     *
     * @return what to run once its outcome is final (delivered, dead-lettered or given up on). It counts for this read
     *     of the record only: once the partition was {@linkplain #forget forgotten} it does nothing, even when the
     *     partition is tracked again since (revoked, then assigned back to this member, which reads the record again:
     *     only the new read's outcome may let its offset be committed)
     */
    public synchronized Runnable started(P partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        p.pending.add(offset);
        p.next = Math.max(p.next, offset + 1);
        return () -> finished(partition, p, offset);
    }

    private synchronized void finished(P key, Partition read, long offset) {
        if (partitions.get(key) == read) { // not a partition forgotten since, whether tracked again or not
            read.pending.remove(offset);
        }
    }

    /** @return deliveries not yet final, over every partition */
    public synchronized int pending() {
        int n = 0;
        for (Partition p : partitions.values()) {
            n += p.pending.size();
        }
        return n;
    }

    /**
     * @return for each partition whose committable offset moved since the last call: the offset to commit
     *     (Kafka's convention: the next record to read)
     */
    public synchronized Map<P, Long> committable() {
        Map<P, Long> out = new HashMap<>();
        for (Map.Entry<P, Partition> e : partitions.entrySet()) {
            Partition p = e.getValue();
            long upTo = p.pending.isEmpty() ? p.next : p.pending.first();
            if (upTo > p.committed) {
                p.committed = upTo;
                out.put(e.getKey(), upTo);
            }
        }
        return out;
    }

    /** @return every partition's committable offset, moved or not (for the final commit on close or revocation) */
    public synchronized Map<P, Long> current(Collection<P> owned) {
        Map<P, Long> out = new HashMap<>();
        for (P key : owned) {
            Partition p = partitions.get(key);
            if (p != null && p.next >= 0) {
                long upTo = p.pending.isEmpty() ? p.next : p.pending.first();
                p.committed = Math.max(p.committed, upTo);
                out.put(key, upTo);
            }
        }
        return out;
    }

    /**
     * Drops partitions this consumer no longer owns (rebalance, restart): the outcomes of records started before are
     * ignored from now on, even if the partition comes back.
     */
    public synchronized void forget(Collection<P> lost) {
        lost.forEach(partitions::remove);
    }
}
