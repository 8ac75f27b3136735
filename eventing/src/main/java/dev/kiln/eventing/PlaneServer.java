package dev.kiln.eventing;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plane's HTTP surface on one port: events POSTed to Brokers, Sequences and Parallels go to {@link Ingress};
 * {@code GET /metrics} answers {@link PlaneMetrics}' Prometheus text; {@code OPTIONS} answers CloudEvents' webhook
 * validation.
 *
 * <p>A Vert.x server serves all its connections on the one event loop it was started on; to use more of the machine
 * the port is served by {@link EventingOptions#eventLoops()} servers, each on its own event loop (Vert.x shares the
 * port and hands new connections to them in turn). A delivery runs on the event loop its event arrived on, so an
 * event is taken, filtered and sent on without changing threads.
 */
final class PlaneServer implements AutoCloseable {

    private final List<HttpServer> servers = new ArrayList<>();

    PlaneServer(EventingPlane plane, Vertx vertx, EventingOptions options) throws Exception {
        Ingress ingress = new Ingress(plane, vertx, options.maxBodyBytes());
        HttpServerOptions http = new HttpServerOptions().setTcpNoDelay(true).setMaxInitialLineLength(8192)
                .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
        Handler<HttpServerRequest> handler = req -> {
            if (req.method() == HttpMethod.GET && req.path().equals("/metrics")) {
                req.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(plane.metrics().render());
            } else if (req.method() == HttpMethod.OPTIONS) {
                req.response().putHeader("WebHook-Allowed-Origin", "*").putHeader("WebHook-Allowed-Rate", "*").end();
            } else {
                ingress.handle(req);
            }
        };
        try {
            // Asked for any free port, every server listens on -1: Vert.x picks one free port for all who ask with the same
            // negative number (with 0, each would get a port of its own).
            int port = options.port() == 0 ? -1 : options.port();
            for (int i = 0; i < Math.max(1, options.eventLoops()); i++) {
                servers.add(listen(vertx, http, handler, port, options.host()));
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Starts one server in a verticle of its own: a context of its own, so an event loop of its own (in turn). */
    private static HttpServer listen(Vertx vertx, HttpServerOptions http, Handler<HttpServerRequest> handler, int port, String host)
            throws Exception {
        Promise<HttpServer> listening = Promise.promise();
        vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(http).requestHandler(handler).listen(port, host)
                        .onSuccess(s -> {
                            listening.complete(s);
                            started.complete();
                        })
                        .onFailure(e -> {
                            listening.fail(e);
                            started.fail(e);
                        });
            }
        });
        return listening.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    int port() {
        return servers.get(0).actualPort();
    }

    /** @return each server's port (all the same one) */
    List<Integer> ports() {
        return servers.stream().map(HttpServer::actualPort).toList();
    }

    @Override
    public void close() throws Exception {
        List<Future<Void>> closing = new ArrayList<>();
        servers.forEach(s -> closing.add(s.close()));
        Future.all(closing).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
