package dev.kiln.sources.send;

import dev.kiln.http.Retries;
import dev.kiln.sources.Env;
import java.time.Duration;

/**
 * How an adapter sends to its sink: the number of retries, exponential backoff from {@code backoffDelay}
 * (capped at {@code maxDelay}), the per-attempt timeout. What is retried is Knative's rule
 * ({@link dev.kiln.http.Retries}), with {@code Retry-After} honoured up to {@code maxDelay}.
 *
 * @param retry retries after the first attempt
 * @param backoffDelay the delay before the first retry
 * @param maxDelay the longest single delay
 * @param timeout one attempt's timeout
 */
public record SendPolicy(int retry, Duration backoffDelay, Duration maxDelay, Duration timeout) {

    /**
     * Reads {@code SEND_RETRY}, {@code SEND_BACKOFF_DELAY}, {@code SEND_MAX_DELAY} and {@code SEND_TIMEOUT}.
     * The defaults (3 retries from 100 ms, 2 s per attempt) keep a webhook's whole answer well under GitHub's and
     * GitLab's 10 s limit.
     */
    public static SendPolicy from(Env env) {
        return new SendPolicy(env.integer("SEND_RETRY", 3, 0), env.duration("SEND_BACKOFF_DELAY", Duration.ofMillis(100)),
                env.duration("SEND_MAX_DELAY", Duration.ofSeconds(5)), env.duration("SEND_TIMEOUT", Duration.ofSeconds(2)));
    }

    /** @return the wait before retry {@code n} (from 1): {@code backoffDelay * 2^(n-1)}, capped */
    public Duration delay(int n) {
        Duration d = Retries.backoff(backoffDelay, n, true);
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
