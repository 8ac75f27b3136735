package dev.kiln.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.local.observe.Dashboard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The local API of {@code kiln dev}, on 127.0.0.1 only ({@code kiln logs} reads the log files directly):
 * {@code GET /status} (every resource's state as JSON); {@code POST /push}, where every Broker's push Trigger sends GitHub and GitLab pushes;
 * {@code POST /dlq/<namespace>/<broker>}, the dead-letter sink of Brokers that name none; and the {@link Dashboard} (the page at
 * {@code /}, the journeys {@code kiln events} and {@code kiln trace} read, {@code /metrics}).
 */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminApi() {
    }

    static HttpServer listen(Vertx vertx, DevPlatform platform, int port) {
        Dashboard dashboard = new Dashboard(vertx, platform.observed(), () -> platform.plane().baseUrl());
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            String path = req.path();
            if (dashboard.handle(req)) {
                return;
            }
            if ("/push".equals(path) && req.method() == io.vertx.core.http.HttpMethod.POST) {
                req.body().onSuccess(body -> push(req, platform, body.getBytes()));
            } else if (path.startsWith("/dlq/") && req.method() == io.vertx.core.http.HttpMethod.POST) {
                req.body().onSuccess(body -> deadLetter(req, platform, path.substring("/dlq/".length()), body.getBytes()));
            } else if ("/status".equals(path)) {
                try {
                    req.response().putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(platform.states()));
                } catch (JsonProcessingException e) {
                    req.response().setStatusCode(500).end(e.getMessage());
                }
            } else {
                req.response().setStatusCode(404).end("GET / (the dashboard), /status, /events, /trace/<id>, /topology, /dead-letters, /metrics;"
                        + " POST /push, /dlq/<namespace>/<broker>, /dead-letters/replay?id=");
            }
        });
        server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        return server;
    }

    /** A push CloudEvent from the platform's own Trigger: 202 (the functions rebuilt in a header), 400 for what is not a push. */
    private static void push(io.vertx.core.http.HttpServerRequest req, DevPlatform platform, byte[] body) {
        try {
            io.cloudevents.CloudEvent event = io.cloudevents.http.HttpMessageFactory.createReader(
                    each -> req.headers().forEach(h -> each.accept(h.getKey(), h.getValue())), body).toEvent();
            var push = dev.kiln.builder.push.PushEvents.parse(event.getType(), event.getId(),
                    event.getData() == null ? null : event.getData().toBytes());
            // 2xx answers carry no body: a dispatcher takes a non-empty body that is not a CloudEvent as a failure.
            if (push.isEmpty()) {
                req.response().setStatusCode(200).putHeader("Kiln-Ignored", event.getType() + " is not a push event").end();
                return;
            }
            req.response().setStatusCode(202).putHeader("Kiln-Rebuilt", String.join(",", platform.onPush(push.get()))).end();
        } catch (RuntimeException e) {
            req.response().setStatusCode(400).end(e.getMessage());
        }
    }

    /** A dead letter of a Broker without its own sink: kept on disk (202), or 400 when it is not a CloudEvent. */
    private static void deadLetter(io.vertx.core.http.HttpServerRequest req, DevPlatform platform, String broker, byte[] body) {
        String[] nsName = broker.split("/");
        if (nsName.length != 2) {
            req.response().setStatusCode(404).end("POST /dlq/<namespace>/<broker>");
            return;
        }
        io.cloudevents.CloudEvent event;
        try {
            event = io.cloudevents.http.HttpMessageFactory.createReader(
                    each -> req.headers().forEach(h -> each.accept(h.getKey(), h.getValue())), body).toEvent();
        } catch (RuntimeException e) {
            req.response().setStatusCode(400).end("not a CloudEvent: " + e.getMessage());
            return;
        }
        // Writing a file blocks: off the event loop. A failed write is a 500, so the dispatcher does not count the
        // event as kept.
        io.vertx.core.Vertx.currentContext().owner().<String>executeBlocking(() -> platform.deadLetters().store(nsName[0], nsName[1], event))
                .onComplete(stored -> {
                    if (stored.succeeded()) {
                        req.response().setStatusCode(202).putHeader("Kiln-Dead-Letter", stored.result()).end();
                    } else {
                        req.response().setStatusCode(500).end(String.valueOf(stored.cause().getMessage()));
                    }
                });
    }
}
