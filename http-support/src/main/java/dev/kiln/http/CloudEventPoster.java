package dev.kiln.http;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
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
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One HTTP POST of a CloudEvent that always ends: with the answer, a transport error, or the watchdog. Written once
 * for every sender in Kiln (eventing's deliveries, the event sources' sends), because two Vert.x behaviours make a
 * naive request hang:
 * <ul>
 * <li>requests issued off Vert.x's threads (a Kafka consumer's, a Kafka producer callback's) go through this poster's
 *     own event loop: issued from foreign threads, about one in ten thousand waited forever for a pooled connection
 *     ({@code bench/run-sources} measured 15 in 100,000, and 0 after this change);</li>
 * <li>each attempt has a watchdog 500 ms past its timeout, because the client's own timeout does not cover every
 *     place a request can wait, and an attempt that never ends is a delivery that never ends.</li>
 * </ul>
 */
public final class CloudEventPoster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CloudEventPoster.class.getName());
    private static final long WATCHDOG_GRACE_MILLIS = 500;
    private static final byte[] EMPTY = new byte[0];

    /**
     * How an attempt ended.
     *
     * @param status the HTTP status, 0 without an answer
     * @param headers the response headers (empty without an answer)
     * @param body the response body (empty without an answer)
     * @param error what went wrong without an answer, else null
     */
    public record Exchange(int status, MultiMap headers, byte[] body, String error) {
        static Exchange failed(String error) {
            return new Exchange(0, MultiMap.caseInsensitiveMultiMap(), new byte[0], error);
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final HttpClient http;

    /**
     * @param vertx the Vert.x instance whose timers and event loop run the requests
     * @param poolSize HTTP/1 connections per destination
     */
    public CloudEventPoster(Vertx vertx, int poolSize) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(poolSize));
    }

    /**
     * POSTs an event.
     *
     * @param event the event
     * @param target where to
     * @param structured structured mode (JSON) instead of binary
     * @param extraHeaders headers added to the request
     * @param timeout the attempt's timeout
     * @return how it ended; never a failed future
     */
    public Future<Exchange> post(CloudEvent event, URI target, boolean structured, Map<String, String> extraHeaders, Duration timeout) {
        // From the parsed URI's parts: setAbsoluteURI would parse the URL again for every attempt.
        boolean tls = "https".equalsIgnoreCase(target.getScheme());
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setSsl(tls).setHost(target.getHost())
                .setPort(target.getPort() > 0 ? target.getPort() : tls ? 443 : 80)
                .setURI(target.getRawQuery() == null ? path : path + "?" + target.getRawQuery())
                .setTimeout(timeout.toMillis());
        // Encoded before a connection is taken (an event that does not encode fails here, not holding a request), into
        // plain name/value pairs put on the request itself: a MultiMap in the options would be copied into it again.
        List<String> headers = new ArrayList<>(24);
        byte[][] body = {EMPTY};
        var writer = HttpMessageFactory.createWriter(CeHeaderValues.encoding((name, value) -> {
            headers.add(name);
            headers.add(value);
        }), b -> body[0] = b == null ? EMPTY : b);
        if (structured) {
            writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
        } else {
            writer.writeBinary(event);
        }
        extraHeaders.forEach((name, value) -> {
            headers.add(name);
            headers.add(value);
        });

        Promise<Exchange> done = Promise.promise();
        Runnable issue = () -> http.request(options)
                .compose(req -> {
                    MultiMap h = req.headers();
                    for (int i = 0; i < headers.size(); i += 2) {
                        h.set(headers.get(i), headers.get(i + 1));
                    }
                    return req.send(Buffer.buffer(body[0]));
                })
                .compose(resp -> resp.body().map(b -> new Exchange(resp.statusCode(), resp.headers(), b.getBytes(), null)))
                .onComplete(ar -> done.tryComplete(ar.succeeded() ? ar.result() : Exchange.failed(ar.cause().getClass().getSimpleName()
                        + (ar.cause().getMessage() == null ? "" : ": " + ar.cause().getMessage()))));
        if (Vertx.currentContext() != null) {
            issue.run();
        } else {
            context.runOnContext(v -> issue.run());
        }
        long watchdog = vertx.setTimer(timeout.toMillis() + WATCHDOG_GRACE_MILLIS, t -> {
            if (done.tryComplete(Exchange.failed("no answer within " + timeout.toMillis() + " ms"))) {
                LOG.log(Level.WARNING, "event {0}: no answer from {1} within {2} ms", new Object[] {event.getId(), target, timeout.toMillis()});
            }
        });
        return done.future().onComplete(ar -> vertx.cancelTimer(watchdog));
    }

    @Override
    public void close() {
        http.close();
    }
}
