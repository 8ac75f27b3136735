package dev.kiln.eventing.delivery;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends events to subscribers over HTTP with Knative's delivery rules: {@code Prefer: reply}, binary mode
 * unless {@code format: json}, retries with backoff on transport errors, 5xx, 404, 408, 409 and 429
 * (honouring {@code Retry-After}), then the dead-letter sink with the error extensions.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    private final Vertx vertx;
    private final HttpClient http;
    private final Context context;

    /** @param vertx the Vert.x instance whose event loop and timers run deliveries */
    public Dispatcher(Vertx vertx) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(64));
        this.context = vertx.getOrCreateContext();
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
            boolean retry = attempt <= policy.retry() && DeliveryPolicy.retryable(a.status());
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
        // From the parsed URI's parts: setAbsoluteURI would parse the URL again for every attempt.
        boolean tls = "https".equalsIgnoreCase(target.getScheme());
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setSsl(tls).setHost(target.getHost())
                .setPort(target.getPort() > 0 ? target.getPort() : tls ? 443 : 80)
                .setURI(target.getRawQuery() == null ? path : path + "?" + target.getRawQuery())
                .setTimeout(policy.timeout().toMillis());
        MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var writer = HttpMessageFactory.createWriter(requestHeaders::set, b -> {
            if (b != null) {
                body.writeBytes(b);
            }
        });
        if (policy.structured()) {
            writer.writeStructured(event, io.cloudevents.jackson.JsonFormat.CONTENT_TYPE);
        } else {
            writer.writeBinary(event);
        }
        requestHeaders.set("Prefer", "reply");
        headers.forEach(requestHeaders::set);
        options.setHeaders(requestHeaders);
        Promise<Attempt> attempt = Promise.promise();
        Runnable issue = () -> http.request(options)
                .compose(req -> req.send(Buffer.buffer(body.toByteArray())))
                .compose(resp -> resp.body().map(b -> toAttempt(resp.statusCode(), resp.headers(), b.getBytes())))
                .onComplete(ar -> attempt.tryComplete(ar.succeeded() ? ar.result() : new Attempt(0, new byte[0], null,
                        ar.cause().getClass().getSimpleName() + (ar.cause().getMessage() == null ? "" : ": " + ar.cause().getMessage()))));
        if (Vertx.currentContext() != null) {
            issue.run();
        } else {
            // Off Vert.x's threads (a durable Trigger's Kafka consumer, the Kafka producer's callbacks), requests go
            // through the dispatcher's own event loop: issued from foreign threads, one in a few thousand waited forever
            // for a pooled connection (measured with the same client in bench/run-sources).
            context.runOnContext(v -> issue.run());
        }
        // A watchdog of our own: the client's timeout does not cover every place a request can wait (one in tens of
        // thousands hung for good in bench/run-sources), and an attempt that never ends is a delivery that never ends.
        long timeout = policy.timeout().toMillis();
        long watchdog = vertx.setTimer(timeout + 500, t -> {
            if (attempt.tryComplete(new Attempt(0, new byte[0], null, "no answer within " + timeout + " ms"))) {
                LOG.log(Level.WARNING, "event {0}: no answer from {1} within {2} ms", new Object[] {event.getId(), target, timeout});
            }
        });
        return attempt.future().onComplete(ar -> vertx.cancelTimer(watchdog));
    }

    /** A 2xx is a reply when it carries a CloudEvent, nothing when empty, and a failure otherwise. */
    static Attempt toAttempt(int status, MultiMap responseHeaders, byte[] body) {
        if (status < 200 || status >= 300) {
            return new Attempt(status, body, null, null, parseRetryAfter(responseHeaders.get("Retry-After")));
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

    /**
     * Parses {@code Retry-After}: delay-seconds or an HTTP date.
     *
     * @param value the header value
     * @return the wait, or null when absent or malformed
     */
    static Duration parseRetryAfter(String value) {
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

    private static String describe(Attempt a) {
        return a.error() != null ? a.error() : "status " + a.status() + (a.body() == null || a.body().length == 0 ? ""
                : ": " + new String(a.body(), 0, Math.min(200, a.body().length), StandardCharsets.UTF_8).trim());
    }

    @Override
    public void close() {
        http.close();
    }
}
