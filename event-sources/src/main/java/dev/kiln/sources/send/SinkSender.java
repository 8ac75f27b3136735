package dev.kiln.sources.send;

import dev.kiln.http.Attempt;
import dev.kiln.http.RetryPolicy;
import dev.kiln.http.RetryingSender;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends CloudEvents to a sink in binary mode, after applying the {@code ceOverrides}, with the retries the
 * {@link SendPolicy} says: a source's {@link RetryPolicy} over the one loop every sender in Kiln shares
 * ({@link RetryingSender}: what is retried, {@code Retry-After}, the dead-letter step). Each retry is logged; the
 * final outcome is counted.
 */
public final class SinkSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SinkSender.class.getName());

    /**
     * One send's final outcome.
     *
     * @param accepted whether the sink answered 2xx
     * @param status the last HTTP status (0: no answer)
     * @param attempts attempts made
     * @param error what went wrong last, or null
     * @param body the last answer's body (empty without one): what a dead letter records
     * @param deadLettered whether the dead-letter sink took the event instead
     * @param deadLetterFailure why the dead-letter sink did not take it, or null
     */
    public record Result(boolean accepted, int status, int attempts, String error, byte[] body, boolean deadLettered, String deadLetterFailure) {
        /** @return a one-line description for logs and webhook answers */
        public String describe() {
            return accepted ? "accepted (" + status + ")" : (status == 0 ? error : "HTTP " + status + (error == null ? "" : ": " + error))
                    + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                    + (deadLettered ? ", dead-lettered" : deadLetterFailure == null ? "" : "; " + deadLetterFailure);
        }
    }

    private final RetryingSender sender;
    private final CeOverrides overrides;
    private final SourceMetrics metrics;
    private final SendSpans spans;

    /**
     * @param vertx the Vert.x instance whose timers run the backoff
     * @param overrides extensions set on every event
     * @param metrics where outcomes are counted
     */
    public SinkSender(Vertx vertx, CeOverrides overrides, SourceMetrics metrics) {
        this(vertx, overrides, metrics, null);
    }

    /**
     * @param vertx the Vert.x instance whose timers run the backoff
     * @param overrides extensions set on every event
     * @param metrics where outcomes are counted
     * @param spans a span per send (OpenTelemetry), or null
     */
    public SinkSender(Vertx vertx, CeOverrides overrides, SourceMetrics metrics, SendSpans spans) {
        this.sender = new RetryingSender(vertx, 32);
        this.overrides = overrides;
        this.metrics = metrics;
        this.spans = spans;
    }

    /**
     * Sends an event, retrying as the policy says.
     *
     * @param event the event (overrides are applied here)
     * @param sink where to send it
     * @param policy retries and timeouts
     * @return the final outcome; never a failed future
     */
    public Future<Result> send(CloudEvent event, URI sink, SendPolicy policy) {
        return deliver(event, sink, policy, null);
    }

    /**
     * Sends an event, retrying as the policy says, then to the dead-letter sink, with the same retries.
     *
     * @param event the event (overrides are applied here)
     * @param sink where to send it
     * @param policy retries and timeouts
     * @param deadLetterSink where it goes when the sink did not take it, or null
     * @return the final outcome; never a failed future
     */
    public Future<Result> deliver(CloudEvent event, URI sink, SendPolicy policy, URI deadLetterSink) {
        SendSpans.SendSpan span = spans == null ? null : spans.start(event, sink);
        // Traced, the event carries the send's span: the Broker's ingress goes under it.
        CloudEvent out = span == null ? overrides.apply(event)
                : overrides.apply(CloudEventBuilder.from(event).withExtension("traceparent", span.traceparent()).build());
        long start = System.nanoTime();
        return sender.deliver(out, sink, Map.of(), new Sending(policy, deadLetterSink, metrics)).map(o -> {
            Attempt last = o.last();
            Result r = new Result(o.delivered(), last.status(), o.attempts(), last.error() != null ? last.error() : o.delivered() ? null : cut(last.body()),
                    last.body() == null ? new byte[0] : last.body(), o.deadLettered(), o.deadLetterFailure());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (r.accepted()) {
                metrics.sent(took);
            } else {
                metrics.failed(took);
                LOG.log(Level.WARNING, "event {0} ({1}) not accepted by {2}: {3}", new Object[] {out.getId(), out.getType(), sink, r.describe()});
            }
            if (span != null) {
                span.end(r.accepted(), r.status(), r.describe());
            }
            return r;
        });
    }

    /** A source's sends, as the loop sees them: exponential backoff capped at {@code maxDelay}, any 2xx accepted. */
    private record Sending(SendPolicy policy, URI deadLetterSink, SourceMetrics metrics) implements RetryPolicy {

        @Override
        public int retry() {
            return policy.retry();
        }

        @Override
        public Duration backoff(int retry) {
            return policy.delay(retry);
        }

        @Override
        public Duration timeout() {
            return policy.timeout();
        }

        @Override
        public Duration retryAfterMax() {
            return policy.maxDelay();
        }

        @Override
        public void retrying(CloudEvent event, URI target, Attempt failed, int attempt, long waitMillis) {
            metrics.retried();
            LOG.log(Level.FINE, "event {0}: attempt {1} to {2} failed ({3}), retrying in {4} ms",
                    new Object[] {event.getId(), attempt, target, failed.describe(), waitMillis});
        }
    }

    private static String cut(byte[] body) {
        if (body == null) {
            return null;
        }
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? null : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    @Override
    public void close() {
        sender.close();
        if (spans != null) {
            spans.close();
        }
    }
}
