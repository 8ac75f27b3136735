package dev.kiln.bench.bare;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's floor: what any JVM CloudEvents function must do at least, with no library at all. JDK HttpServer,
 * a check of the binary-mode headers and the body, a reply with a new id carrying the same data. The request and
 * the reply are the same as every other benchmark app's; only JSON binding is missing, so the distance between
 * this and {@code jdk-jackson} is what making JSON binding ready costs.
 */
public final class Main {

    private static final AtomicLong IDS = new AtomicLong();

    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", Main::handle);
        server.start();
    }

    private static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getRequestHeaders();
            if (!"POST".equals(ex.getRequestMethod()) || h.getFirst("ce-id") == null || h.getFirst("ce-type") == null
                    || h.getFirst("ce-source") == null || !"1.0".equals(h.getFirst("ce-specversion"))) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            byte[] data = ex.getRequestBody().readAllBytes();
            // The least a typed function's runtime checks: the data is a JSON object.
            if (data.length < 2 || data[0] != '{' || data[data.length - 1] != '}') {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            var r = ex.getResponseHeaders();
            r.set("ce-specversion", "1.0");
            r.set("ce-id", "bare-" + IDS.incrementAndGet());
            r.set("ce-type", "dev.kiln.bench.reply");
            r.set("ce-source", "/bench/bare");
            r.set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, data.length);
            try (OutputStream body = ex.getResponseBody()) {
                body.write(data);
            }
        }
    }
}
