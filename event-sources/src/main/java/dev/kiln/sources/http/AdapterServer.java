package dev.kiln.sources.http;

import dev.kiln.http.BodyGate;
import dev.kiln.sources.send.SourceMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The adapter's HTTP server: {@code /health/readiness}, {@code /health/liveness} and {@code /metrics} for every
 * adapter, and for webhook adapters {@code POST} on any other path. A webhook sender nobody vouched for yet costs
 * little: what the headers alone decide (a missing signature, an unsupported content type) is answered before the
 * body is read; bodies are read through a {@link BodyGate} (size, bytes held, concurrent requests, slow senders);
 * signatures are computed while the body streams in, and the raw bytes reach the {@link Webhook} untouched.
 */
public final class AdapterServer implements AutoCloseable {

    /** Keep-alive connections that send nothing for this long are closed. */
    private static final int IDLE_TIMEOUT_SECONDS = 60;

    private final HttpServer server;
    private final Webhook webhook;
    private final SourceMetrics metrics;
    private final BodyGate gate;
    private final BooleanSupplier ready;
    private final BooleanSupplier live;

    /**
     * Starts listening.
     *
     * @param vertx the Vert.x instance
     * @param host the interface to bind
     * @param port the port (0: any free one)
     * @param webhook the receiver for {@code POST}, or null when the adapter takes no requests
     * @param metrics served on {@code /metrics}
     * @param bodies what a webhook request may cost
     * @param ready what readiness reports
     * @param live what liveness reports: false once the adapter stopped working for good, so that it is restarted
     * @throws Exception when the port cannot be bound
     */
    public AdapterServer(Vertx vertx, String host, int port, Webhook webhook, SourceMetrics metrics, BodyGate.Limits bodies,
            BooleanSupplier ready, BooleanSupplier live) throws Exception {
        this.webhook = webhook;
        this.metrics = metrics;
        this.gate = new BodyGate(vertx, bodies, metrics::request);
        this.ready = ready;
        this.live = live;
        this.server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)).requestHandler(this::handle).listen(port, host)
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
                case "/health/liveness" -> {
                    boolean up = live.getAsBoolean();
                    req.response().setStatusCode(up ? 200 : 503).end(up ? "ok" : "stopped for good: restart the adapter");
                }
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
        Webhook.Delivery delivery;
        try {
            delivery = webhook.begin(req.headers());
        } catch (RuntimeException e) {
            BodyGate.answerAndClose(req, 500, "internal error: " + e, false);
            return;
        }
        if (delivery.refusal() != null) {
            BodyGate.answerAndClose(req, delivery.refusal().status(), delivery.refusal().message(), false);
            return;
        }
        gate.read(req, delivery::update, body -> {
            io.vertx.core.Future<Webhook.Response> answer;
            try {
                answer = delivery.complete(body);
            } catch (RuntimeException e) {
                answer = io.vertx.core.Future.failedFuture(e);
            }
            answer.onComplete(ar -> {
                Webhook.Response r = ar.succeeded() ? ar.result() : new Webhook.Response(500, "internal error: " + ar.cause());
                req.response().setStatusCode(r.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end(r.message() + "\n");
            });
        });
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
