package dev.kiln.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/** Takes OTLP/HTTP exports ({@code POST /v1/traces}) and answers 200, as a collector would, for {@code kiln-otel}. */
final class OtlpSink implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong exports = new AtomicLong();

    OtlpSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/v1/traces", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                exports.incrementAndGet();
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
