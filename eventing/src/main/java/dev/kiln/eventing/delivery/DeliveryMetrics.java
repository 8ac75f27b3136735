package dev.kiln.eventing.delivery;

import java.util.concurrent.atomic.LongAdder;

/** Delivery counters, rendered by the data plane's {@code /metrics}. */
public final class DeliveryMetrics {

    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    void attempt() {
        attempts.increment();
    }

    void retry() {
        retries.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    /** Counts an event given up on with nowhere to go. */
    public void dropped() {
        dropped.increment();
    }

    /** @return HTTP attempts so far */
    public long attempts() {
        return attempts.sum();
    }

    /** @return retries so far */
    public long retries() {
        return retries.sum();
    }

    /** @return events sent to a dead-letter sink */
    public long deadLetteredCount() {
        return deadLettered.sum();
    }

    /** @return events dropped (no dead-letter sink, or it failed too, or TTL exhausted) */
    public long droppedCount() {
        return dropped.sum();
    }

    /** @return Prometheus text lines */
    public String render() {
        return "# TYPE kiln_delivery_attempts_total counter\nkiln_delivery_attempts_total " + attempts() + "\n"
                + "# TYPE kiln_delivery_retries_total counter\nkiln_delivery_retries_total " + retries() + "\n"
                + "# TYPE kiln_delivery_dead_lettered_total counter\nkiln_delivery_dead_lettered_total " + deadLetteredCount() + "\n"
                + "# TYPE kiln_delivery_dropped_total counter\nkiln_delivery_dropped_total " + droppedCount() + "\n";
    }
}
