package dev.kiln.http;

import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Sends a CloudEvent until it is accepted, refused for good, or out of retries, then dead-letters it: the one loop of
 * every sender in Kiln (a Trigger's or a flow's delivery, a source's send to its sink). Each attempt is one
 * {@link CloudEventPoster} POST, so it always ends. Knative's rules apply to every sender alike:
 * <ul>
 * <li>what is retried: {@link Retries#retryable};</li>
 * <li>the wait before retry {@code k} is the policy's backoff, or a 429's or 503's {@code Retry-After} when that is
 *     longer, capped by {@link RetryPolicy#retryAfterMax()} (Knative's {@code retryAfterMax});</li>
 * <li>a dead letter keeps the payload and gains Knative's error extensions ({@link DeadLetters}).</li>
 * </ul>
 * What differs between senders (the backoff, what an answer means, the sink, the counters) is the {@link RetryPolicy}.
 */
public final class RetryingSender implements AutoCloseable {

    private final Vertx vertx;
    private final CloudEventPoster poster;

    /**
     * @param vertx the Vert.x instance whose timers and event loop run the attempts
     * @param poolSize HTTP/1 connections per destination
     */
    public RetryingSender(Vertx vertx, int poolSize) {
        this.vertx = vertx;
        this.poster = new CloudEventPoster(vertx, poolSize);
    }

    /**
     * Sends, retrying as the policy says, then dead-letters what was not delivered.
     *
     * @param event the event
     * @param target the receiver
     * @param headers request headers added to every attempt
     * @param policy retries, judgement, dead-letter sink, counters
     * @return the outcome; never a failed future
     */
    public Future<Outcome> deliver(CloudEvent event, URI target, Map<String, String> headers, RetryPolicy policy) {
        return send(event, target, headers, policy)
                .compose(o -> o.delivered() ? Future.succeededFuture(o) : deadLetter(event, target.toString(), o, headers, policy));
    }

    /**
     * Sends, retrying as the policy says; no dead-letter step.
     *
     * @param event the event
     * @param target the receiver
     * @param headers request headers added to every attempt
     * @param policy retries and judgement
     * @return the outcome; never a failed future
     */
    public Future<Outcome> send(CloudEvent event, URI target, Map<String, String> headers, RetryPolicy policy) {
        Promise<Outcome> done = Promise.promise();
        attempt(event, target, headers, policy, 1, done);
        return done.future();
    }

    /**
     * The dead-letter step: the event, with Knative's error extensions, to the policy's dead-letter sink, with the
     * same retries.
     *
     * @param event the original event
     * @param destination what failed, for {@code knativeerrordest}: the receiver's URL, or its reference when it did not
     *     resolve
     * @param failed the failed outcome (its last attempt gives {@code knativeerrorcode} and {@code knativeerrordata})
     * @param headers request headers
     * @param policy gives the sink and how to send to it
     * @return {@code failed}, dead-lettered or with the reason it could not be; never a failed future
     */
    public Future<Outcome> deadLetter(CloudEvent event, String destination, Outcome failed, Map<String, String> headers, RetryPolicy policy) {
        URI sink;
        try {
            sink = policy.deadLetterSink();
        } catch (RuntimeException e) {
            return Future.succeededFuture(withDeadLetter(failed, false, "the dead-letter sink does not resolve: " + e.getMessage()));
        }
        if (sink == null) {
            return Future.succeededFuture(failed);
        }
        CloudEvent dead = DeadLetters.annotate(event, destination, failed.last().status(), failed.last().body());
        return send(dead, sink, headers, policy.deadLetterPolicy()).map(d -> d.delivered() ? withDeadLetter(failed, true, null)
                : withDeadLetter(failed, false, "the dead-letter sink " + sink + " failed too: " + d.last().describe()));
    }

    private static Outcome withDeadLetter(Outcome o, boolean deadLettered, String failure) {
        return new Outcome(o.delivered(), o.reply(), o.attempts(), o.last(), deadLettered, failure);
    }

    private void attempt(CloudEvent event, URI target, Map<String, String> headers, RetryPolicy policy, int n, Promise<Outcome> done) {
        policy.attempted();
        long started = System.nanoTime();
        poster.post(event, target, policy.structured(), headers, policy.timeout()).compose(policy::judge).onComplete(ar -> {
            Attempt a = ar.succeeded() ? ar.result() : new Attempt(0, new byte[0], null, "the answer could not be judged: " + ar.cause(), null);
            policy.answered(event, target, a, n, System.nanoTime() - started);
            if (a.succeeded()) {
                done.complete(new Outcome(true, a.reply(), n, a, false, null));
                return;
            }
            if (n > policy.retry() || !Retries.retryable(a.status())) {
                done.complete(new Outcome(false, null, n, a, false, null));
                return;
            }
            long wait = wait(policy, a, n);
            policy.retrying(event, target, a, n, wait);
            if (wait <= 0) {
                attempt(event, target, headers, policy, n + 1, done);
            } else {
                vertx.setTimer(wait, t -> attempt(event, target, headers, policy, n + 1, done));
            }
        });
    }

    /** The wait before retry {@code n}: the backoff, or a 429's or 503's {@code Retry-After} when longer, capped. */
    static long wait(RetryPolicy policy, Attempt failed, int n) {
        long wait = policy.backoff(n).toMillis();
        Duration retryAfter = failed.status() == 429 || failed.status() == 503 ? failed.retryAfter() : null;
        if (retryAfter != null) {
            wait = Math.max(wait, Math.min(retryAfter.toMillis(), policy.retryAfterMax().toMillis()));
        }
        return wait;
    }

    @Override
    public void close() {
        poster.close();
    }
}
