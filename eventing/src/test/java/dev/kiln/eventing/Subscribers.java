package dev.kiln.eventing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Real HTTP subscribers for the eventing tests: one JDK server, one path per behaviour. Every request is
 * recorded (with its arrival time) before the behaviour answers it.
 */
final class Subscribers implements AutoCloseable {

    /** What a subscriber saw. */
    record Received(CloudEvent event, Map<String, String> headers, long nanos) {
    }

    /** What a subscriber answers. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response of(int status) {
            return new Response(status, Map.of(), new byte[0]);
        }

        static Response text(int status, String body) {
            return new Response(status, Map.of("Content-Type", "text/plain"), body.getBytes());
        }

        static Response event(CloudEvent reply) {
            Map<String, String> h = new HashMap<>();
            byte[][] body = new byte[1][];
            HttpMessageFactory.createWriter(h::put, b -> body[0] = b == null ? new byte[0] : b).writeBinary(reply);
            return new Response(200, h, body[0]);
        }
    }

    private final HttpServer server;
    private final Map<String, BlockingQueue<Received>> received = new ConcurrentHashMap<>();

    Subscribers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** Adds a subscriber at {@code /path}. */
    URI add(String path, Function<Received, Response> behaviour) {
        BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
        received.put(path, queue);
        server.createContext("/" + path, ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                Map<String, String> headers = lower(ex.getRequestHeaders());
                Received r = new Received(HttpMessageFactory.createReader(headers, body).toEvent(), headers, System.nanoTime());
                queue.add(r);
                Response resp = behaviour.apply(r);
                resp.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                ex.sendResponseHeaders(resp.status(), resp.body().length == 0 ? -1 : resp.body().length);
                if (resp.body().length > 0) {
                    ex.getResponseBody().write(resp.body());
                }
            }
        });
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path);
    }

    BlockingQueue<Received> received(String path) {
        return received.get(path);
    }

    private static Map<String, String> lower(Headers headers) {
        Map<String, String> m = new HashMap<>();
        headers.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
