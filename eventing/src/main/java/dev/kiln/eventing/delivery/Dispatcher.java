package dev.kiln.eventing.delivery;

import dev.kiln.http.CloudEventPoster;
import dev.kiln.http.DeadLetters;
import dev.kiln.http.Retries;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Sends events to subscribers over HTTP with Knative's delivery rules: {@code Prefer: reply}, binary mode
 * unless {@code format: json}, retries with backoff on transport errors, 5xx, 404, 408, 409 and 429
 * (honouring {@code Retry-After}), then the dead-letter sink with the error extensions.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    private final Vertx vertx;
    private final CloudEventPoster poster;

    /** @param vertx the Vert.x instance whose event loop and timers run deliveries */
    public Dispatcher(Vertx vertx) {
        this.vertx = vertx;
        this.poster = new CloudEventPoster(vertx, 64);
    }

    /**
     * Delivers an event, retrying as the policy says, then dead-lettering.
     *
     * @param event the event
     * @param target the subscriber
     * @param policy retries, backoff, timeout, dead-letter sink
     * @param headers extra request headers (e.g. {@code Kn-Namespace})
     * @param resolver turns the dead-letter sink's Destination into a URL
     * @param onReply takes a reply; when its future fails the attempt counts as failed and is retried, so a
     *     reply is never lost (null: replies are dropped)
     * @param metrics the counters of the Trigger or flow delivering
     * @return the outcome; never a failed future
     */
    public Future<Outcome> deliver(CloudEvent event, URI target, DeliveryPolicy policy, Map<String, String> headers,
            Function<io.fabric8.knative.duck.v1.Destination, URI> resolver, Function<CloudEvent, Future<Void>> onReply,
            DeliveryMetrics metrics) {
        long started = System.nanoTime();
        Promise<Outcome> done = Promise.promise();
        attemptLoop(event, target, policy, headers, onReply, metrics, 1, done);
        return done.future().compose(outcome -> {
            if (outcome.delivered()) {
                metrics.delivered();
                return Future.succeededFuture(outcome);
            }
            return deadLetter(event, target.toString(), outcome, policy, headers, resolver, metrics);
        }).onComplete(ar -> metrics.finished(System.nanoTime() - started));
    }

    /**
     * Sends an event that could not be delivered to the policy's dead-letter sink, or drops it (with a log
     * line and a metric) when there is none or the sink fails too.
     *
     * @param event the original event
     * @param destination what failed, for {@code knativeerrordest}: the subscriber's URL, or its reference when
     *     it did not resolve
     * @param failed the failed outcome (its last attempt gives {@code knativeerrorcode} and {@code knativeerrordata})
     * @param policy the delivery policy (its sink, retries and timeout apply to the sink too)
     * @param headers extra request headers
     * @param resolver turns the sink's Destination into a URL
     * @param metrics the counters to charge
     * @return the outcome; never a failed future
     */
    public Future<Outcome> deadLetter(CloudEvent event, String destination, Outcome failed, DeliveryPolicy policy,
            Map<String, String> headers, Function<io.fabric8.knative.duck.v1.Destination, URI> resolver, DeliveryMetrics metrics) {
        if (policy.deadLetterSink() == null) {
            metrics.dropped();
            LOG.warning(() -> "dropped event " + event.getId() + " (" + event.getType() + ") after " + failed.attempts()
                    + " attempts to " + destination + ": " + describe(failed.last()) + "; set delivery.deadLetterSink to keep such events");
            return Future.succeededFuture(failed);
        }
        URI sink;
        try {
            sink = resolver.apply(policy.deadLetterSink());
        } catch (RuntimeException e) {
            metrics.dropped();
            LOG.warning("dropped event " + event.getId() + ": dead-letter sink does not resolve: " + e.getMessage());
            return Future.succeededFuture(failed);
        }
        CloudEvent dead = DeadLetters.annotate(event, destination, failed.last().status(), failed.last().body());
        Promise<Outcome> dlq = Promise.promise();
        attemptLoop(dead, sink, policy.withoutDeadLetterSink(), headers, null, metrics, 1, dlq);
        return dlq.future().map(d -> {
            if (d.delivered()) {
                metrics.deadLettered();
            } else {
                metrics.dropped();
                LOG.warning("dropped event " + event.getId() + ": the dead-letter sink " + sink + " failed too: " + describe(d.last()));
            }
            return new Outcome(false, null, failed.attempts(), failed.last(), d.delivered());
        });
    }

    private void attemptLoop(CloudEvent event, URI target, DeliveryPolicy policy, Map<String, String> headers,
            Function<CloudEvent, Future<Void>> onReply, DeliveryMetrics metrics, int attempt, Promise<Outcome> done) {
        metrics.attempt();
        send(event, target, policy, headers).compose(a -> {
            if (a.succeeded() && a.reply() != null && onReply != null) {
                return onReply.apply(a.reply()).map(a).recover(err -> Future.succeededFuture(
                        new Attempt(503, null, null, "the reply could not be forwarded: " + err.getMessage())));
            }
            return Future.succeededFuture(a);
        }).onComplete(ar -> {
            Attempt a = ar.result();
            if (a.succeeded()) {
                done.complete(new Outcome(true, a.reply(), attempt, a, false));
                return;
            }
            boolean retry = attempt <= policy.retry() && Retries.retryable(a.status());
            if (!retry) {
                done.complete(new Outcome(false, null, attempt, a, false));
                return;
            }
            metrics.retry();
            long wait = policy.backoffPolicy().delay(policy.backoffDelay(), attempt).toMillis();
            Duration retryAfter = a.status() == 429 || a.status() == 503 ? a.retryAfter() : null;
            if (retryAfter != null) {
                wait = Math.max(wait, Math.min(retryAfter.toMillis(), policy.retryAfterMax().toMillis()));
            }
            if (wait <= 0) {
                attemptLoop(event, target, policy, headers, onReply, metrics, attempt + 1, done);
            } else {
                vertx.setTimer(wait, t -> attemptLoop(event, target, policy, headers, onReply, metrics, attempt + 1, done));
            }
        });
    }

    /**
     * One HTTP attempt.
     *
     * @return the attempt; never a failed future
     */
    Future<Attempt> send(CloudEvent event, URI target, DeliveryPolicy policy, Map<String, String> headers) {
        Map<String, String> extra = new HashMap<>(headers);
        extra.put("Prefer", "reply");
        return poster.post(event, target, policy.structured(), extra, policy.timeout()).map(x -> x.error() != null
                ? new Attempt(0, new byte[0], null, x.error())
                : toAttempt(x.status(), x.headers(), x.body()));
    }

    /** A 2xx is a reply when it carries a CloudEvent, nothing when empty, and a failure otherwise. */
    static Attempt toAttempt(int status, MultiMap responseHeaders, byte[] body) {
        if (status < 200 || status >= 300) {
            return new Attempt(status, body, null, null, Retries.retryAfter(responseHeaders.get("Retry-After")));
        }
        Map<String, String> h = new HashMap<>();
        boolean ce = false;
        for (Map.Entry<String, String> e : responseHeaders) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            h.put(name, e.getValue());
            ce |= name.equals("ce-specversion");
        }
        String contentType = h.getOrDefault("content-type", "");
        ce |= contentType.startsWith("application/cloudevents+json");
        if (!ce) {
            // As Knative's broker filter does: such an answer becomes a 502, so it is retried and then dead-lettered.
            return body.length == 0 ? new Attempt(status, body, null, null)
                    : new Attempt(502, body, null, "the subscriber answered " + status + " with a body that is not a CloudEvent");
        }
        try {
            return new Attempt(status, body, HttpMessageFactory.createReader(h, body).toEvent(), null);
        } catch (RuntimeException e) {
            return new Attempt(502, body, null, "the subscriber's reply is not a valid CloudEvent: " + e.getMessage());
        }
    }

    private static String describe(Attempt a) {
        return a.error() != null ? a.error() : "status " + a.status() + (a.body() == null || a.body().length == 0 ? ""
                : ": " + new String(a.body(), 0, Math.min(200, a.body().length), StandardCharsets.UTF_8).trim());
    }

    @Override
    public void close() {
        poster.close();
    }
}
