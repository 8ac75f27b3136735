package dev.kiln.local.functions;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function's measured cold starts: from starting an instance's JVM to its first 200 on {@code /health/readiness}
 * (which the SDK answers only once its warm-up event went through), over every instance of every version, the last
 * {@value #KEPT} kept. What a request that found no instance waited, give or take the proxying.
 */
public final class ColdStarts {

    /** Samples kept for the median and p90. */
    static final int KEPT = 100;

    /**
     * @param count cold starts measured so far (all of them, not only those kept)
     * @param medianMillis the median of the last {@value ColdStarts#KEPT}
     * @param p90Millis their 90th percentile (nearest rank)
     * @param lastMillis the latest
     */
    public record Summary(long count, long medianMillis, long p90Millis, long lastMillis) {
        /** @return {@code count, medianMillis, p90Millis, lastMillis}, for {@code kiln get -o yaml} and the dashboard */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("medianMillis", medianMillis);
            m.put("p90Millis", p90Millis);
            m.put("lastMillis", lastMillis);
            return m;
        }
    }

    private final long[] millis = new long[KEPT];
    private long count;
    private long sumMillis;

    /** @param took one instance's start, to readiness */
    public synchronized void record(Duration took) {
        long ms = took.toMillis();
        millis[(int) (count % KEPT)] = ms;
        count++;
        sumMillis += ms;
    }

    /** @return the summary, or null before the first cold start */
    public synchronized Summary summary() {
        if (count == 0) {
            return null;
        }
        int n = (int) Math.min(count, KEPT);
        long[] sorted = Arrays.copyOf(millis, n);
        Arrays.sort(sorted);
        long last = millis[(int) ((count - 1) % KEPT)];
        return new Summary(count, sorted[(n - 1) / 2], sorted[(int) Math.ceil(n * 0.9) - 1], last);
    }

    /** @return the sum of every cold start, in milliseconds (Prometheus' {@code _sum}) */
    public synchronized long sumMillis() {
        return sumMillis;
    }
}
