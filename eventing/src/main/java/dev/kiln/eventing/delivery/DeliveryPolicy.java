package dev.kiln.eventing.delivery;

import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.Destination;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * A resolved delivery configuration: Knative's {@code DeliverySpec} with defaults applied, and the
 * dead-letter sink left as a Destination (resolved at dead-letter time, so a sink created later still works).
 *
 * @param retry retries after the first attempt
 * @param backoffPolicy how the wait grows
 * @param backoffDelay the base wait
 * @param timeout per attempt
 * @param retryAfterMax the longest {@code Retry-After} honoured on 429/503
 * @param deadLetterSink where events go when delivery fails for good, or null to drop them (with a log line
 *     and a metric)
 * @param structured whether events are sent in structured mode ({@code format: json}) rather than binary
 */
public record DeliveryPolicy(int retry, BackoffPolicy backoffPolicy, Duration backoffDelay, Duration timeout,
        Duration retryAfterMax, Destination deadLetterSink, boolean structured) {

    /** Knative's broker default (config-br-defaults): 10 retries, exponential from 0.2 s. */
    public static final DeliveryPolicy BROKER_DEFAULT = new DeliveryPolicy(10, BackoffPolicy.EXPONENTIAL,
            Duration.ofMillis(200), Duration.ofMinutes(5), Duration.ofMinutes(1), null, false);

    /** No retries: a Sequence step or Parallel branch without {@code delivery}, as a channel subscription. */
    public static final DeliveryPolicy NO_RETRY = new DeliveryPolicy(0, BackoffPolicy.EXPONENTIAL, Duration.ZERO,
            Duration.ofMinutes(5), Duration.ofMinutes(1), null, false);


    /**
     * Merges specs field by field, later ones winning: a Trigger keeps its Broker's dead-letter sink unless it
     * sets its own (Kiln follows the Kafka broker here; the MT broker replaces the whole spec).
     *
     * @param base the defaults
     * @param specs Broker's, then Trigger's (either may be null)
     * @return the merged policy
     * @throws IllegalArgumentException for a duration that is not ISO-8601, or a backoff policy or format that is not one of Knative's values
     */
    public static DeliveryPolicy merge(DeliveryPolicy base, DeliverySpec... specs) {
        DeliveryPolicy p = base;
        for (DeliverySpec s : specs) {
            if (s == null) {
                continue;
            }
            p = new DeliveryPolicy(
                    s.getRetry() != null ? s.getRetry() : p.retry,
                    s.getBackoffPolicy() != null ? BackoffPolicy.parse(s.getBackoffPolicy()) : p.backoffPolicy,
                    s.getBackoffDelay() != null ? duration(s.getBackoffDelay(), "backoffDelay") : p.backoffDelay,
                    s.getTimeout() != null ? duration(s.getTimeout(), "timeout") : p.timeout,
                    s.getRetryAfterMax() != null ? duration(s.getRetryAfterMax(), "retryAfterMax") : p.retryAfterMax,
                    s.getDeadLetterSink() != null ? s.getDeadLetterSink() : p.deadLetterSink,
                    s.getFormat() != null ? structured(s.getFormat()) : p.structured);
        }
        return p;
    }

    /** @return this policy for sending to the dead-letter sink itself: same retries, nowhere further to go */
    public DeliveryPolicy withoutDeadLetterSink() {
        return new DeliveryPolicy(retry, backoffPolicy, backoffDelay, timeout, retryAfterMax, null, structured);
    }

    /** Knative's {@code format}: {@code json} (structured) or {@code binary}; anything else is refused. */
    private static boolean structured(String format) {
        return switch (format) {
            case "json" -> true;
            case "binary" -> false;
            default -> throw new IllegalArgumentException("delivery.format \"" + format + "\" must be json or binary");
        };
    }

    private static Duration duration(String iso, String field) {
        try {
            return Duration.parse(iso);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("delivery." + field + " \"" + iso + "\" is not an ISO-8601 duration such as PT0.2S");
        }
    }
}
