package dev.kiln.sources.send;

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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends CloudEvents to a sink in binary mode (the CloudEvents SDK's HTTP binding over Vert.x's HTTP client),
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
     */
    public record Result(boolean accepted, int status, int attempts, String error) {
        /** @return a one-line description for logs and webhook answers */
        public String describe() {
            return accepted ? "accepted (" + status + ")" : (status == 0 ? error : "HTTP " + status + (error == null ? "" : ": " + error))
                    + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s");
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final CeOverrides overrides;
    private final SourceMetrics metrics;
    private final Context context;

    /**
     * @param vertx the Vert.x instance whose timers run the backoff
     * @param overrides extensions set on every event
     * @param metrics where outcomes are counted
     */
    public SinkSender(Vertx vertx, CeOverrides overrides, SourceMetrics metrics) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(32));
        this.overrides = overrides;
        this.metrics = metrics;
        this.context = vertx.getOrCreateContext();
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
        if (Vertx.currentContext() != null) {
            attempt(out, sink, policy, 1, done, start);
        } else {
            // Off Vert.x's threads (the Kafka consumer's), requests go through the sender's own event loop: issued from
            // foreign threads, one in a few thousand waited forever for a pooled connection in bench/run-sources.
            context.runOnContext(v -> attempt(out, sink, policy, 1, done, start));
        }
        return done.future();
    }

    private void attempt(CloudEvent event, URI sink, SendPolicy policy, int n, Promise<Result> done, long start) {
        once(event, sink, policy.timeout()).onComplete(ar -> {
            Answer a = ar.succeeded() ? ar.result() : new Answer(0, String.valueOf(ar.cause()), 0);
            Result r = a.withAttempts(n);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (r.accepted()) {
                metrics.sent(took);
                done.complete(r);
                return;
            }
            if (n > policy.retry() || !SendPolicy.retryable(r.status())) {
                metrics.failed(took);
                LOG.log(Level.WARNING, "event {0} ({1}) not accepted by {2}: {3}",
                        new Object[] {event.getId(), event.getType(), sink, r.describe()});
                done.complete(r);
                return;
            }
            metrics.retried();
            long wait = Math.max(1, Math.max(policy.delay(n).toMillis(), Math.min(a.retryAfterMillis(), policy.maxDelay().toMillis())));
            LOG.log(Level.FINE, "event {0}: attempt {1} failed ({2}), retrying in {3} ms",
                    new Object[] {event.getId(), n, r.describe(), wait});
            vertx.setTimer(wait, t -> attempt(event, sink, policy, n + 1, done, start));
        });
    }

    /** One attempt's answer, with the {@code Retry-After} it carried. */
    private record Answer(int status, String error, long retryAfterMillis) {
        Result withAttempts(int n) {
            boolean ok = status >= 200 && status < 300;
            return new Result(ok, status, n, ok ? null : error);
        }
    }

    private Future<Answer> once(CloudEvent event, URI sink, Duration timeout) {
        boolean tls = "https".equalsIgnoreCase(sink.getScheme());
        String path = sink.getRawPath() == null || sink.getRawPath().isEmpty() ? "/" : sink.getRawPath();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setSsl(tls).setHost(sink.getHost())
                .setPort(sink.getPort() > 0 ? sink.getPort() : tls ? 443 : 80)
                .setURI(sink.getRawQuery() == null ? path : path + "?" + sink.getRawQuery())
                .setTimeout(timeout.toMillis());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpMessageFactory.createWriter(headers::set, b -> {
            if (b != null) {
                body.writeBytes(b);
            }
        }).writeBinary(event);
        options.setHeaders(headers);
        Promise<Answer> answer = Promise.promise();
        http.request(options)
                .compose(req -> req.send(Buffer.buffer(body.toByteArray())))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), cut(b.toString(StandardCharsets.UTF_8)),
                        retryAfter(resp.getHeader("Retry-After")))))
                .onComplete(ar -> answer.tryComplete(ar.succeeded() ? ar.result() : new Answer(0, ar.cause().getClass().getSimpleName()
                        + (ar.cause().getMessage() == null ? "" : ": " + ar.cause().getMessage()), 0)));
        // A watchdog of our own: an attempt must end even when the client's timeout does not cover where it is stuck.
        long watchdog = vertx.setTimer(timeout.toMillis() + 500, t -> {
            if (answer.tryComplete(new Answer(0, "no answer within " + timeout.toMillis() + " ms", 0))) {
                LOG.log(Level.WARNING, "event {0}: no answer from {1} within {2} ms", new Object[] {event.getId(), sink, timeout.toMillis()});
            }
        });
        return answer.future().onComplete(ar -> vertx.cancelTimer(watchdog));
    }

    private static String cut(String body) {
        String s = body.strip();
        return s.isEmpty() ? null : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static long retryAfter(String value) {
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()) * 1000);
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: the backoff applies instead
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
