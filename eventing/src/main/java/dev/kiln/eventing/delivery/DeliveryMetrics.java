package dev.kiln.eventing.delivery;

import java.util.concurrent.atomic.LongAdder;

/**
 * Delivery counters and the time from acceptance to a final outcome. Each Trigger has its own, rolled up into
 * the plane's totals through the parent, so {@code /metrics} answers both "is anything failing" and "which
 * Trigger".
 */
public final class DeliveryMetrics {

    /** Upper bounds of the outcome-latency histogram, in seconds (Prometheus {@code le}). */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final DeliveryMetrics parent;
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyNanos = new LongAdder();

    /** Creates a root (the plane's totals). */
    public DeliveryMetrics() {
        this(null);
    }

    /** @param parent the totals this rolls up into, or null */
    public DeliveryMetrics(DeliveryMetrics parent) {
        this.parent = parent;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void attempt() {
        attempts.increment();
        if (parent != null) {
            parent.attempt();
        }
    }

    void retry() {
        retries.increment();
        if (parent != null) {
            parent.retry();
        }
    }

    void deadLettered() {
        deadLettered.increment();
        if (parent != null) {
            parent.deadLettered();
        }
    }

    void delivered() {
        delivered.increment();
        if (parent != null) {
            parent.delivered();
        }
    }

    /** Counts an event given up on with nowhere to go. */
    public void dropped() {
        dropped.increment();
        if (parent != null) {
            parent.dropped();
        }
    }

    /**
     * Records how long an event took from acceptance to its final outcome.
     *
     * @param nanos the time taken
     */
    public void finished(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < BUCKETS.length && seconds > BUCKETS[i]) {
            i++;
        }
        buckets[i].increment();
        latencyNanos.add(nanos);
        if (parent != null) {
            parent.finished(nanos);
        }
    }

    /** @return HTTP attempts so far */
    public long attempts() {
        return attempts.sum();
    }

    /** @return retries so far */
    public long retries() {
        return retries.sum();
    }

    /** @return events the subscriber accepted */
    public long deliveredCount() {
        return delivered.sum();
    }

    /** @return events sent to a dead-letter sink */
    public long deadLetteredCount() {
        return deadLettered.sum();
    }

    /** @return events dropped (no dead-letter sink, or it failed too, or TTL exhausted) */
    public long droppedCount() {
        return dropped.sum();
    }

    /**
     * Renders several metrics objects as Prometheus text, one family at a time (the format wants each family's
     * samples together).
     *
     * @param out where to append
     * @param labelled label pairs without braces (e.g. {@code namespace="a",trigger="b"}) to the metrics they label
     */
    public static void render(StringBuilder out, java.util.Map<String, DeliveryMetrics> labelled) {
        counter(out, "kiln_delivery_attempts_total", "HTTP attempts, retries included", labelled, DeliveryMetrics::attempts);
        counter(out, "kiln_delivery_retries_total", "attempts after the first", labelled, DeliveryMetrics::retries);
        counter(out, "kiln_delivery_delivered_total", "events the subscriber accepted", labelled, DeliveryMetrics::deliveredCount);
        counter(out, "kiln_delivery_dead_lettered_total", "events sent to the dead-letter sink", labelled, DeliveryMetrics::deadLetteredCount);
        counter(out, "kiln_delivery_dropped_total", "events given up on with nowhere to go", labelled, DeliveryMetrics::droppedCount);
        String name = "kiln_delivery_outcome_seconds";
        out.append("# HELP ").append(name).append(" time from the first attempt to the final outcome, retries and dead letter included\n");
        out.append("# TYPE ").append(name).append(" histogram\n");
        labelled.forEach((labels, m) -> {
            String l = labels.isEmpty() ? "" : "{" + labels + "}";
            String sep = labels.isEmpty() ? "" : labels + ",";
            long cumulative = 0;
            for (int i = 0; i < m.buckets.length; i++) {
                cumulative += m.buckets[i].sum();
                String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
                out.append(name).append("_bucket{").append(sep).append("le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_sum").append(l).append(' ').append(m.latencyNanos.sum() / 1e9).append('\n');
            out.append(name).append("_count").append(l).append(' ').append(cumulative).append('\n');
        });
    }

    private static void counter(StringBuilder out, String name, String help, java.util.Map<String, DeliveryMetrics> labelled,
            java.util.function.ToLongFunction<DeliveryMetrics> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        labelled.forEach((labels, m) -> out.append(name).append(labels.isEmpty() ? "" : "{" + labels + "}")
                .append(' ').append(value.applyAsLong(m)).append('\n'));
    }
}
