package dev.kiln.http;

import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;

/**
 * What a sender decides for itself around {@link RetryingSender}'s loop: how often and how long to wait, what an
 * answer means, where dead letters go, and what to count. A Trigger's delivery (eventing's {@code Dispatcher}) and a
 * source's sends (event-sources' {@code SinkSender}) each implement it; the loop, {@code Retry-After} and the
 * dead-letter step are not theirs to change.
 */
public interface RetryPolicy {

    /** @return retries after the first attempt */
    int retry();

    /**
     * @param retry the retry number, from 1
     * @return the wait before that retry
     */
    Duration backoff(int retry);

    /** @return one attempt's timeout */
    Duration timeout();

    /** @return the longest {@code Retry-After} of a 429 or 503 that is waited for */
    Duration retryAfterMax();

    /** @return whether events go in structured mode (JSON) rather than binary */
    default boolean structured() {
        return false;
    }

    /**
     * Judges an answer. The default accepts any 2xx; a Trigger's delivery also reads the reply and forwards it,
     * which is why this may complete later.
     *
     * @param answer how the POST ended
     * @return the attempt; a failed future counts as a failed attempt without a status
     */
    default Future<Attempt> judge(CloudEventPoster.Exchange answer) {
        return Future.succeededFuture(Attempt.of(answer));
    }

    /**
     * @return where events go that were not delivered, or null to give them up (the caller counts and logs them)
     * @throws RuntimeException when the sink does not resolve; the event is then given up, with the message
     */
    default URI deadLetterSink() {
        return null;
    }

    /** @return the policy the dead letter itself is sent with (its own dead-letter sink is never used) */
    default RetryPolicy deadLetterPolicy() {
        return this;
    }

    /** An attempt is about to be made. */
    default void attempted() {
    }

    /**
     * An attempt ended: answered (judged) or failed without an answer. Called for every attempt, before
     * {@link #retrying} when it is retried.
     *
     * @param event the event
     * @param target where it went
     * @param answer the judged attempt
     * @param attempt its number, from 1
     * @param nanos how long it took, judging included
     */
    default void answered(CloudEvent event, URI target, Attempt answer, int attempt, long nanos) {
    }

    /**
     * An attempt failed and will be retried.
     *
     * @param event the event
     * @param target where it went
     * @param failed the failed attempt
     * @param attempt its number, from 1
     * @param waitMillis how long until the next one
     */
    default void retrying(CloudEvent event, URI target, Attempt failed, int attempt, long waitMillis) {
    }
}
