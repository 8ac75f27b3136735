package dev.kiln.eventing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The plane's HTTP surface on one port: events POSTed to Brokers, Sequences and Parallels go to {@link Ingress};
 * {@code GET /metrics} answers {@link PlaneMetrics}' Prometheus text; {@code OPTIONS} answers CloudEvents' webhook
 * validation.
 */
final class PlaneServer implements AutoCloseable {

    private final HttpServer server;

    PlaneServer(EventingPlane plane, Vertx vertx, EventingOptions options) throws Exception {
        Ingress ingress = new Ingress(plane, vertx, options.maxBodyBytes());
        this.server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setMaxInitialLineLength(8192)
                        .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .requestHandler(req -> {
                    if (req.method() == HttpMethod.GET && req.path().equals("/metrics")) {
                        req.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(plane.metrics().render());
                    } else if (req.method() == HttpMethod.OPTIONS) {
                        req.response().putHeader("WebHook-Allowed-Origin", "*").putHeader("WebHook-Allowed-Rate", "*").end();
                    } else {
                        ingress.handle(req);
                    }
                })
                .listen(options.port(), options.host())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
