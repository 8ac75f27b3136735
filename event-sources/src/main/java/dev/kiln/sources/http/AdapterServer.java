package dev.kiln.sources.http;

import dev.kiln.sources.send.SourceMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The adapter's HTTP server: {@code /health/readiness}, {@code /health/liveness} and {@code /metrics} for every
 * adapter, and for webhook adapters {@code POST} on any other path. Bodies are size-limited while they arrive
 * (413 before the whole body is read), and the raw bytes reach the {@link Webhook} untouched.
 */
public final class AdapterServer implements AutoCloseable {

    private final HttpServer server;
    private final Webhook webhook;
    private final SourceMetrics metrics;
    private final long maxBodyBytes;
    private final BooleanSupplier ready;

    /**
     * Starts listening.
     *
     * @param vertx the Vert.x instance
     * @param host the interface to bind
     * @param port the port (0: any free one)
     * @param webhook the receiver for {@code POST}, or null when the adapter takes no requests
     * @param metrics served on {@code /metrics}
     * @param maxBodyBytes the largest body accepted
     * @param ready what readiness reports
     * @throws Exception when the port cannot be bound
     */
    public AdapterServer(Vertx vertx, String host, int port, Webhook webhook, SourceMetrics metrics, long maxBodyBytes,
            BooleanSupplier ready) throws Exception {
        this.webhook = webhook;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.ready = ready;
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(port, host)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** @return the bound port */
    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (req.method() == HttpMethod.GET) {
            switch (path) {
                case "/health/liveness" -> req.response().setStatusCode(200).end("ok");
                case "/health/readiness" -> req.response().setStatusCode(ready.getAsBoolean() ? 200 : 503).end();
                case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape());
                default -> req.response().setStatusCode(404).end("not found\n");
            }
            return;
        }
        if (webhook == null || req.method() != HttpMethod.POST) {
            req.response().setStatusCode(405).putHeader("Allow", webhook == null ? "GET" : "GET, POST")
                    .end("method not allowed\n");
            return;
        }
        String length = req.getHeader("Content-Length");
        if (length != null && parse(length) > maxBodyBytes) {
            tooLarge(req);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                over[0] = true;
                tooLarge(req);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!over[0]) {
                webhook.handle(new Webhook.Request(req.headers(), body.getBytes())).onComplete(ar -> {
                    Webhook.Response r = ar.succeeded() ? ar.result() : new Webhook.Response(500, "internal error: " + ar.cause());
                    req.response().setStatusCode(r.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                            .end(r.message() + "\n");
                });
            }
        });
    }

    private void tooLarge(HttpServerRequest req) {
        metrics.request("too_large");
        // Then close the connection, so the rest of an oversized body is never read, and a client waiting on
        // Expect: 100-continue gets its answer instead of waiting.
        req.response().setStatusCode(413).putHeader("Connection", "close")
                .end("payload larger than " + maxBodyBytes + " bytes\n")
                .onComplete(v -> req.connection().close());
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
