package dev.kiln.eventing.delivery;

import dev.kiln.eventing.journey.DeliveryTrace;
import dev.kiln.eventing.journey.Step;
import dev.kiln.eventing.journey.TraceContext;
import dev.kiln.http.Attempt;
import dev.kiln.http.CloudEventPoster;
import dev.kiln.http.Outcome;
import dev.kiln.http.Retries;
import dev.kiln.http.RetryPolicy;
import dev.kiln.http.RetryingSender;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.fabric8.knative.duck.v1.Destination;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Delivers events to subscribers with Knative's delivery rules: {@code Prefer: reply}, binary mode unless
 * {@code format: json}, a 2xx with a CloudEvent is a reply and one with any other body a failure, then the
 * dead-letter sink. The loop itself (what is retried, {@code Retry-After}, the dead letter's extensions) is
 * {@link RetryingSender}'s; this class is the Trigger's and the flows' {@link RetryPolicy}.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    private final RetryingSender sender;

    /** @param vertx the Vert.x instance whose event loop and timers run deliveries */
    public Dispatcher(Vertx vertx) {
        this.sender = new RetryingSender(vertx, 64);
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
     * @param trace the delivery's part of the event's journey (the event already carries its span), or null
     * @return the outcome; never a failed future
     */
    public Future<Outcome> deliver(CloudEvent event, URI target, DeliveryPolicy policy, Map<String, String> headers,
            Function<Destination, URI> resolver, Function<CloudEvent, Future<Void>> onReply, DeliveryMetrics metrics, DeliveryTrace trace) {
        long started = System.nanoTime();
        return sender.deliver(event, target, withPrefer(headers, trace), new Delivery(policy, resolver, onReply, metrics, trace))
                .map(outcome -> counted(event, target.toString(), outcome, policy, metrics, trace))
                .onComplete(ar -> metrics.finished(System.nanoTime() - started));
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
     * @param trace the delivery's part of the event's journey, or null
     * @return the outcome; never a failed future
     */
    public Future<Outcome> deadLetter(CloudEvent event, String destination, Outcome failed, DeliveryPolicy policy,
            Map<String, String> headers, Function<Destination, URI> resolver, DeliveryMetrics metrics, DeliveryTrace trace) {
        return sender.deadLetter(event, destination, failed, withPrefer(headers, trace), new Delivery(policy, resolver, null, metrics, trace))
                .map(outcome -> counted(event, destination, outcome, policy, metrics, trace));
    }

    /**
     * @param namespace the namespace of the Trigger or flow delivering
     * @return the headers every delivery of theirs carries ({@code Kn-Namespace}, {@code Prefer: reply}): made once per
     *     Trigger or flow, not per event
     */
    public static Map<String, String> deliveryHeaders(String namespace) {
        return Map.of("Kn-Namespace", namespace, "Prefer", "reply");
    }

    private static Map<String, String> withPrefer(Map<String, String> headers, DeliveryTrace trace) {
        if (trace == null && "reply".equals(headers.get("Prefer"))) {
            return headers;
        }
        Map<String, String> extra = new HashMap<>(headers);
        extra.put("Prefer", "reply");
        if (trace != null) {
            // W3C's header beside the event's extension: what an HTTP-level tracer in the subscriber reads.
            extra.put(TraceContext.TRACEPARENT, trace.traceparent());
        }
        return extra;
    }

    private static Outcome counted(CloudEvent event, String destination, Outcome outcome, DeliveryPolicy policy, DeliveryMetrics metrics,
            DeliveryTrace trace) {
        if (outcome.delivered()) {
            metrics.delivered();
        } else if (outcome.deadLettered()) {
            metrics.deadLettered();
        } else {
            metrics.dropped();
            LOG.warning(() -> "dropped event " + event.getId() + " (" + event.getType() + ") after " + outcome.attempts() + " attempts to "
                    + destination + ": " + outcome.last().describe() + "; " + (policy.deadLetterSink() == null
                            ? "set delivery.deadLetterSink to keep such events" : outcome.deadLetterFailure()));
        }
        if (trace != null) {
            trace.finished(outcome.delivered() ? Step.Outcome.DELIVERED : outcome.deadLettered() ? Step.Outcome.DEAD_LETTERED : Step.Outcome.DROPPED,
                    why(destination, outcome, policy));
        }
        return outcome;
    }

    /** What a journey says about a delivery's outcome. */
    private static String why(String destination, Outcome outcome, DeliveryPolicy policy) {
        if (outcome.delivered()) {
            return "status " + outcome.last().status() + (outcome.attempts() > 1 ? " at attempt " + outcome.attempts() : "");
        }
        String failed = (outcome.attempts() == 0 ? "" : outcome.attempts() + " attempt" + (outcome.attempts() == 1 ? "" : "s") + " to "
                + destination + " failed, the last with ") + outcome.last().describe();
        if (outcome.deadLettered()) {
            return failed + "; sent to the dead-letter sink " + describe(policy.deadLetterSink());
        }
        return failed + "; " + (policy.deadLetterSink() == null ? "no dead-letter sink, so the event is gone (set delivery.deadLetterSink to keep such events)"
                : outcome.deadLetterFailure() + ", so the event is gone");
    }

    private static String describe(Destination sink) {
        return sink.getRef() == null ? String.valueOf(sink.getUri())
                : sink.getRef().getKind() + " " + sink.getRef().getName() + (sink.getUri() == null ? "" : " " + sink.getUri());
    }

    /** A Trigger's or a flow hop's delivery, as the loop sees it. */
    private record Delivery(DeliveryPolicy policy, Function<Destination, URI> resolver, Function<CloudEvent, Future<Void>> onReply,
            DeliveryMetrics metrics, DeliveryTrace trace) implements RetryPolicy {

        @Override
        public int retry() {
            return policy.retry();
        }

        @Override
        public Duration backoff(int retry) {
            return policy.backoffPolicy().delay(policy.backoffDelay(), retry);
        }

        @Override
        public Duration timeout() {
            return policy.timeout();
        }

        @Override
        public Duration retryAfterMax() {
            return policy.retryAfterMax();
        }

        @Override
        public boolean structured() {
            return policy.structured();
        }

        @Override
        public Future<Attempt> judge(CloudEventPoster.Exchange answer) {
            Attempt a = answer.error() != null ? Attempt.of(answer) : toAttempt(answer.status(), answer.headers(), answer.body());
            if (a.succeeded() && a.reply() != null && onReply != null) {
                return onReply.apply(a.reply()).map(a).recover(err -> Future.succeededFuture(
                        new Attempt(503, null, null, "the reply could not be forwarded: " + err.getMessage(), null)));
            }
            return Future.succeededFuture(a);
        }

        @Override
        public URI deadLetterSink() {
            return policy.deadLetterSink() == null ? null : resolver.apply(policy.deadLetterSink());
        }

        @Override
        public RetryPolicy deadLetterPolicy() {
            return new Delivery(policy, resolver, null, metrics, trace);
        }

        @Override
        public void attempted() {
            metrics.attempt();
        }

        @Override
        public void answered(CloudEvent event, URI target, Attempt answer, int attempt, long nanos) {
            if (trace != null) {
                trace.answered(attempt, target, answer.status(), answer.error(), nanos);
            }
        }

        @Override
        public void retrying(CloudEvent event, URI target, Attempt failed, int attempt, long waitMillis) {
            metrics.retry();
            if (trace != null) {
                trace.retrying(waitMillis);
            }
        }
    }

    /** A 2xx is a reply when it carries a CloudEvent, nothing when empty, and a failure otherwise. */
    static Attempt toAttempt(int status, MultiMap responseHeaders, byte[] body) {
        if (status < 200 || status >= 300) {
            return new Attempt(status, body, null, null, Retries.retryAfter(responseHeaders.get("Retry-After")));
        }
        // Looked up in place (case-insensitive): a subscriber's plain 202 is most answers, and costs no copy.
        String contentType = responseHeaders.get("content-type");
        boolean ce = responseHeaders.contains("ce-specversion")
                || contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json");
        if (!ce) {
            // As Knative's broker filter does: such an answer becomes a 502, so it is retried and then dead-lettered.
            return body.length == 0 ? new Attempt(status, body, null, null, null)
                    : new Attempt(502, body, null, "the subscriber answered " + status + " with a body that is not a CloudEvent", null);
        }
        try {
            return new Attempt(status, body, HttpMessageFactory.createReader(responseHeaders::forEach, body).toEvent(), null, null);
        } catch (RuntimeException e) {
            return new Attempt(502, body, null, "the subscriber's reply is not a valid CloudEvent: " + e.getMessage(), null);
        }
    }

    @Override
    public void close() {
        sender.close();
    }
}
