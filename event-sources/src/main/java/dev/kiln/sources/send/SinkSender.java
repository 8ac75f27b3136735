package dev.kiln.sources.send;

import dev.kiln.http.CloudEventPoster;
import dev.kiln.http.Retries;
import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends CloudEvents to a sink in binary mode (one {@link CloudEventPoster} attempt after another),
 * retrying with exponential backoff as the {@link SendPolicy} says, after applying the {@code ceOverrides}.
 * Each failed attempt is logged; the final outcome is counted.
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
     */
    public record Result(boolean accepted, int status, int attempts, String error, byte[] body) {
        /** @return a one-line description for logs and webhook answers */
        public String describe() {
            return accepted ? "accepted (" + status + ")" : (status == 0 ? error : "HTTP " + status + (error == null ? "" : ": " + error))
                    + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s");
        }
    }

    private final Vertx vertx;
    private final CloudEventPoster poster;
    private final CeOverrides overrides;
    private final SourceMetrics metrics;

    /**
     * @param vertx the Vert.x instance whose timers run the backoff
     * @param overrides extensions set on every event
     * @param metrics where outcomes are counted
     */
    public SinkSender(Vertx vertx, CeOverrides overrides, SourceMetrics metrics) {
        this.vertx = vertx;
        this.poster = new CloudEventPoster(vertx, 32);
        this.overrides = overrides;
        this.metrics = metrics;
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
        CloudEvent out = overrides.apply(event);
        Promise<Result> done = Promise.promise();
        long start = System.nanoTime();
        attempt(out, sink, policy, 1, done, start);
        return done.future();
    }

    private void attempt(CloudEvent event, URI sink, SendPolicy policy, int n, Promise<Result> done, long start) {
        poster.post(event, sink, false, Map.of(), policy.timeout()).onComplete(ar -> {
            CloudEventPoster.Exchange x = ar.result(); // never a failed future
            boolean ok = x.error() == null && x.status() >= 200 && x.status() < 300;
            Result r = new Result(ok, x.status(), n, x.error() != null ? x.error() : ok ? null : cut(x.body()), x.body());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (r.accepted()) {
                metrics.sent(took);
                done.complete(r);
                return;
            }
            if (n > policy.retry() || !Retries.retryable(r.status())) {
                metrics.failed(took);
                LOG.log(Level.WARNING, "event {0} ({1}) not accepted by {2}: {3}",
                        new Object[] {event.getId(), event.getType(), sink, r.describe()});
                done.complete(r);
                return;
            }
            metrics.retried();
            Duration retryAfter = Retries.retryAfter(x.headers().get("Retry-After"));
            long wait = Math.max(1, Math.max(policy.delay(n).toMillis(),
                    retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), policy.maxDelay().toMillis())));
            LOG.log(Level.FINE, "event {0}: attempt {1} failed ({2}), retrying in {3} ms",
                    new Object[] {event.getId(), n, r.describe(), wait});
            vertx.setTimer(wait, t -> attempt(event, sink, policy, n + 1, done, start));
        });
    }

    private static String cut(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? null : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    @Override
    public void close() {
        poster.close();
    }
}
