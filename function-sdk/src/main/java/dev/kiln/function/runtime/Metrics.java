package dev.kiln.function.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus text metrics of one function process. Written by hand rather than with Micrometer: this is
 * on the cold-start path of every function, and a counter map plus fixed histogram buckets load in a few
 * classes where a metrics library loads hundreds.
 *
 * <p>The first real invocation of the process is labelled {@code start="cold"}, every later one
 * {@code start="warm"} (the start-up warm-up call is not counted).
 */
final class Metrics {

    private static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final Map<String, LongAdder> invocations = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final AtomicBoolean cold = new AtomicBoolean(true);
    private final LongAdder deadlineExceeded = new LongAdder();
    private volatile long readyAtMillis = -1;

    /** @return the start label of the next invocation: "cold" exactly once per process */
    String nextStart() {
        return cold.getAndSet(false) ? "cold" : "warm";
    }

    void record(String start, Result outcome, long nanos) {
        invocations.computeIfAbsent("outcome=\"" + outcome.label() + "\",start=\"" + start + "\",code=\""
                + outcome.status() + "\"", k -> new LongAdder()).increment();
        latency.computeIfAbsent(start, k -> new Histogram()).observe(nanos / 1e9);
        if (outcome.status() == 504) {
            deadlineExceeded.increment();
        }
    }

    void readyAt(long epochMillis) {
        readyAtMillis = epochMillis;
    }

    /**
     * Process start to ready. The process's start is read when metrics are first rendered, not at start-up:
     * {@code ProcessHandle} costs a few ms of a cold start (docs/benchmarks.md).
     */
    private double startupSeconds() {
        long ready = readyAtMillis;
        if (ready < 0) {
            return Double.NaN;
        }
        long started = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(ready);
        return (ready - started) / 1000.0;
    }

    String render(int inFlight, boolean ready) {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP kiln_function_invocations_total Invocations by outcome, HTTP code and cold/warm start.\n")
                .append("# TYPE kiln_function_invocations_total counter\n");
        invocations.forEach((labels, count) ->
                out.append("kiln_function_invocations_total{").append(labels).append("} ").append(count.sum()).append('\n'));
        out.append("# HELP kiln_function_invocation_duration_seconds Time from event decoded to reply ready.\n")
                .append("# TYPE kiln_function_invocation_duration_seconds histogram\n");
        latency.forEach((start, h) -> h.render(out, "kiln_function_invocation_duration_seconds", "start=\"" + start + "\""));
        out.append("# HELP kiln_function_deadline_exceeded_total Invocations answered 504 at their deadline.\n")
                .append("# TYPE kiln_function_deadline_exceeded_total counter\n")
                .append("kiln_function_deadline_exceeded_total ").append(deadlineExceeded.sum()).append('\n')
                .append("# HELP kiln_function_in_flight_requests Event requests being handled.\n")
                .append("# TYPE kiln_function_in_flight_requests gauge\n")
                .append("kiln_function_in_flight_requests ").append(inFlight).append('\n')
                .append("# HELP kiln_function_ready Whether the function reports ready.\n")
                .append("# TYPE kiln_function_ready gauge\n")
                .append("kiln_function_ready ").append(ready ? 1 : 0).append('\n');
        double startupSeconds = startupSeconds();
        if (!Double.isNaN(startupSeconds)) {
            out.append("# HELP kiln_function_startup_seconds Process start to ready (warm-up included).\n")
                    .append("# TYPE kiln_function_startup_seconds gauge\n")
                    .append("kiln_function_startup_seconds ").append(startupSeconds).append('\n');
        }
        return out.toString();
    }

    private static final class Histogram {
        private final LongAdder[] counts = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        void render(StringBuilder out, String name, String labels) {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += counts[i].sum();
                out.append(name).append("_bucket{").append(labels).append(",le=\"").append(BUCKETS[i]).append("\"} ")
                        .append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count.sum()).append('\n')
                    .append(name).append("_sum{").append(labels).append("} ").append(sum.sum()).append('\n')
                    .append(name).append("_count{").append(labels).append("} ").append(count.sum()).append('\n');
        }
    }
}
