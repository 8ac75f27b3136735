package dev.kiln.eventing.delivery;

import dev.kiln.http.Retries;
import java.time.Duration;

/**
 * How long to wait before retry {@code k} (1-based). The first retry waits {@code backoffDelay} under both
 * policies, as Knative's documentation describes it ({@code delay × k}, {@code delay × 2^(k-1)}); the MT
 * broker's linear policy retries the first time immediately, which Kiln does not copy (docs/decisions.md).
 */
public enum BackoffPolicy {
    /** {@code delay × k}. */
    LINEAR,
    /** {@code delay × 2^(k-1)}. */
    EXPONENTIAL;

    /**
     * @param delay the base delay
     * @param retry the retry number, from 1
     * @return the wait before that retry
     */
    public Duration delay(Duration delay, int retry) {
        return Retries.backoff(delay, retry, this == EXPONENTIAL);
    }

    /**
     * Knative's values, exactly as its webhook accepts them: anything else is refused, never read as the other one.
     *
     * @throws IllegalArgumentException for any other value
     */
    static BackoffPolicy parse(String value) {
        return switch (value) {
            case "exponential" -> EXPONENTIAL;
            case "linear" -> LINEAR;
            default -> throw new IllegalArgumentException("delivery.backoffPolicy \"" + value + "\" must be linear or exponential");
        };
    }
}
