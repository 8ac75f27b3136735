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
        try {
            CloudEvent dead = DeadLetters.annotate(event, destination, failed.last().status(), failed.last().body());
            return send(dead, sink, headers, policy.deadLetterPolicy()).map(d -> d.delivered() ? withDeadLetter(failed, true, null)
                    : withDeadLetter(failed, false, "the dead-letter sink " + sink + " failed too: " + d.last().describe()));
        } catch (RuntimeException e) {
            return Future.succeededFuture(withDeadLetter(failed, false, "the dead-letter step failed: " + e));
        }
    }

    private static Outcome withDeadLetter(Outcome o, boolean deadLettered, String failure) {
        return new Outcome(o.delivered(), o.reply(), o.attempts(), o.last(), deadLettered, failure);
    }

    /**
     * One attempt, then the decision. Every step that runs a policy's code or does arithmetic on a receiver's answer is
     * guarded: an exception thrown inside a Vert.x handler would go to Vert.x's log and leave {@code done} pending, and
     * a delivery that never ends holds a durable Trigger's or a KafkaSource's offset forever.
     */
    private void attempt(CloudEvent event, URI target, Map<String, String> headers, RetryPolicy policy, int n, Promise<Outcome> done) {
        try {
            policy.attempted();
            long started = System.nanoTime();
            poster.post(event, target, policy.structured(), headers, policy.timeout()).compose(policy::judge).onComplete(ar -> {
                try {
                    Attempt a = ar.succeeded() ? ar.result() : new Attempt(0, new byte[0], null, "the answer could not be judged: " + ar.cause(), null);
                    policy.answered(event, target, a, n, System.nanoTime() - started);
                    decide(event, target, headers, policy, n, a, done);
                } catch (RuntimeException e) {
                    failed(n, e, done);
                }
            });
        } catch (RuntimeException e) {
            failed(n, e, done);
        }
    }

    private void decide(CloudEvent event, URI target, Map<String, String> headers, RetryPolicy policy, int n, Attempt a, Promise<Outcome> done) {
        if (a.succeeded()) {
            done.tryComplete(new Outcome(true, a.reply(), n, a, false, null));
            return;
        }
        if (n > policy.retry() || !Retries.retryable(a.status())) {
            done.tryComplete(new Outcome(false, null, n, a, false, null));
            return;
        }
        long wait = wait(policy, a, n);
        policy.retrying(event, target, a, n, wait);
        if (wait <= 0) {
            attempt(event, target, headers, policy, n + 1, done);
        } else {
            vertx.setTimer(wait, t -> attempt(event, target, headers, policy, n + 1, done));
        }
    }

    /** Ends the delivery as failed: a bug in a policy loses no event, it goes to the dead-letter step like any failure. */
    private static void failed(int n, RuntimeException e, Promise<Outcome> done) {
        done.tryComplete(new Outcome(false, null, n, new Attempt(0, new byte[0], null, "the sender failed: " + e, null), false, null));
    }

    /**
     * The wait before retry {@code n}: the backoff, or a 429's or 503's {@code Retry-After} when longer, capped; compared
     * as Durations, so that an answer's Retry-After too long for milliseconds is capped rather than an overflow.
     */
    static long wait(RetryPolicy policy, Attempt failed, int n) {
        Duration wait = policy.backoff(n);
        Duration retryAfter = failed.status() == 429 || failed.status() == 503 ? failed.retryAfter() : null;
        if (retryAfter != null) {
            Duration capped = retryAfter.compareTo(policy.retryAfterMax()) > 0 ? policy.retryAfterMax() : retryAfter;
            wait = capped.compareTo(wait) > 0 ? capped : wait;
        }
        return Retries.millis(wait);
    }

    @Override
    public void close() {
        poster.close();
    }
}
