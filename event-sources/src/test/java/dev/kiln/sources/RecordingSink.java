package dev.kiln.sources;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP sink for tests: decodes every CloudEvent it receives, answers {@link #status} (202 by default), and
 * records the events it accepted and the number of requests.
 */
public final class RecordingSink implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    /** Events answered 2xx, in arrival order. */
    public final List<CloudEvent> accepted = new CopyOnWriteArrayList<>();
    /** Every request, accepted or not. */
    public final AtomicInteger requests = new AtomicInteger();
    /** What to answer; change it to make the sink fail or recover. */
    public volatile int status = 202;
    /** How long to wait before answering, to make the sink slow. */
    public volatile long delayMillis;

    /** Starts on a free port of 127.0.0.1. */
    public RecordingSink() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            requests.incrementAndGet();
            Runnable respond = () -> {
                int answer = status;
                if (answer >= 200 && answer < 300) {
                    Map<String, String> headers = new HashMap<>();
                    req.headers().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
                    accepted.add(HttpMessageFactory.createReader(headers, body.getBytes()).toEvent());
                }
                req.response().setStatusCode(answer).end();
            };
            if (delayMillis > 0) {
                vertx.setTimer(delayMillis, t -> respond.run());
            } else {
                respond.run();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** @return the sink's URL */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/";
    }

    /** Forgets what was recorded and accepts again. */
    public void reset() {
        accepted.clear();
        requests.set(0);
        status = 202;
        delayMillis = 0;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
