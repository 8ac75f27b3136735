package dev.kiln.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Knative's delivery rules for HTTP answers, shared by every sender in Kiln. */
public final class Retries {

    private static final Set<Integer> RETRIED = Set.of(404, 408, 409, 429);

    private Retries() {
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
