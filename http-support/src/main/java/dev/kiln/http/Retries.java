package dev.kiln.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Knative's delivery rules for HTTP answers, shared by every sender in Kiln. */
public final class Retries {

    private static final Set<Integer> RETRIED = Set.of(404, 408, 409, 429);

    /**
     * The longest wait the senders schedule: a timer counts milliseconds in a {@code long}, and a wait that does not
     * fit (a {@code Retry-After} of 10^16 seconds, a large {@code backoffDelay} doubled thirty times) is this one
     * rather than an overflow.
     */
    public static final Duration LONGEST_WAIT = Duration.ofMillis(Long.MAX_VALUE);

    private Retries() {
    }

    /**
     * The backoff before retry {@code retry}: {@code delay × retry} (linear) or {@code delay × 2^(retry-1)}
     * (exponential, the factor stopping growing at 2^30), so the first retry waits {@code delay} under both, as
     * Knative's documentation describes it. The one formula of a Trigger's delivery and a source's sends.
     *
     * @param delay the base delay
     * @param retry the retry number, from 1
     * @param exponential whether the wait doubles rather than grows by {@code delay}
     * @return the wait, at most {@link #LONGEST_WAIT}
     */
    public static Duration backoff(Duration delay, int retry, boolean exponential) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, got " + retry);
        }
        long factor = exponential ? 1L << Math.min(retry - 1, 30) : retry;
        try {
            return atMostLongest(delay.multipliedBy(factor));
        } catch (ArithmeticException e) {
            return LONGEST_WAIT;
        }
    }

    /**
     * @param wait a wait
     * @return its milliseconds, {@code Long.MAX_VALUE} when it does not fit
     */
    public static long millis(Duration wait) {
        return atMostLongest(wait).toMillis();
    }

    private static Duration atMostLongest(Duration wait) {
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    /**
     * The data-plane contract's retry rule: transport errors (status 0 here), 5xx, 404, 408, 409 and 429 are
     * retried; any other answer is final.
     *
     * @param status the HTTP status, 0 when there was no answer
     * @return whether another attempt may succeed
     */
    public static boolean retryable(int status) {
        return status == 0 || status >= 500 || RETRIED.contains(status);
    }

    /**
     * Parses {@code Retry-After}: delay-seconds or an HTTP date.
     *
     * @param value the header value
     * @return the wait, or null when absent or malformed
     */
    public static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }
}
