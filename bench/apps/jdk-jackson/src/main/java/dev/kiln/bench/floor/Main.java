package dev.kiln.bench.floor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor: what any JVM CloudEvents function must do at least. JDK HttpServer, a check of the binary-mode
 * headers, Jackson binding of the data to a POJO and back, a reply with a new id. No health, no metrics,
 * no structured mode, no drain: the cost of those is what the SDK adds over this.
 */
public final class Main {

    /** The payload every benchmark app binds. */
    public static class Message {
        public String message;
        public int n;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
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
            Message in;
            try {
                in = JSON.readValue(ex.getRequestBody(), Message.class);
            } catch (IOException e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            byte[] out = JSON.writeValueAsBytes(in);
            var r = ex.getResponseHeaders();
            r.set("ce-specversion", "1.0");
            r.set("ce-id", "floor-" + IDS.incrementAndGet());
            r.set("ce-type", "dev.kiln.bench.reply");
            r.set("ce-source", "/bench/floor");
            r.set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream body = ex.getResponseBody()) {
                body.write(out);
            }
        }
    }
}
