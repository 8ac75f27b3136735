package dev.kiln.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local API {@code kiln get} and {@code kiln logs} read, on 127.0.0.1 only:
 * {@code GET /status} (every resource's state as JSON) and {@code GET /logs/<namespace>/<function>} (its instances'
 * log file).
 */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminApi() {
    }

    static HttpServer listen(Vertx vertx, DevPlatform platform, int port) {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            String path = req.path();
            if ("/status".equals(path)) {
                try {
                    req.response().putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(platform.states()));
                } catch (JsonProcessingException e) {
                    req.response().setStatusCode(500).end(e.getMessage());
                }
            } else if (path.startsWith("/logs/")) {
                var fn = platform.functions().get(path.substring("/logs/".length()));
                Path log = fn == null ? null : fn.instanceLog();
                if (log == null || !Files.exists(log)) {
                    req.response().setStatusCode(404).end("no log for " + path.substring("/logs/".length()) + " yet");
                } else {
                    req.response().putHeader("Content-Type", "text/plain").sendFile(log.toString());
                }
            } else {
                req.response().setStatusCode(404).end("GET /status or /logs/<namespace>/<function>");
            }
        });
        server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        return server;
    }
}
