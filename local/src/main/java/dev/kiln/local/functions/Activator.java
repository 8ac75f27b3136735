package dev.kiln.local.functions;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A function's stable local address: every request waits for an instance of the current version (starting one
 * from zero if needed, see {@link InstancePool}), is proxied to it, and answered with its answer. When the
 * instance dies mid-request, or none can start, the caller gets 502 or 503 with a message, so a broker retries.
 */
public final class Activator implements AutoCloseable {

    /** Hop-by-hop headers, which a proxy must not forward (RFC 9110 §7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "te", "trailer", "upgrade", "host", "content-length");

    private final String name;
    private final Supplier<InstancePool> pool;
    private final Supplier<Duration> timeout;
    private final HttpClient client;
    private final HttpServer server;

    private Activator(Vertx vertx, String name, Supplier<InstancePool> pool, Supplier<Duration> timeout) {
        this.name = name;
        this.pool = pool;
        this.timeout = timeout;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(64));
        this.server = vertx.createHttpServer().requestHandler(this::handle);
    }

    /**
     * @param vertx the event loops
     * @param name the function, for messages
     * @param pool the current version's pool (read for every request, so a version switch takes effect at once)
     * @param timeout the longest a request may take, waiting included ({@code spec.timeoutSeconds}), read for every
     *     request
     * @param port the port to listen on, 0 for any
     * @return the listening activator
     */
    public static Activator listen(Vertx vertx, String name, Supplier<InstancePool> pool, Supplier<Duration> timeout, int port) {
        Activator a = new Activator(vertx, name, pool, timeout);
        a.server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        return a;
    }

    /** @return the port it listens on */
    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        InstancePool current = pool.get();
        if (current == null) {
            request.response().setStatusCode(503).end(name + " has no built version yet: see kiln get");
            return;
        }
        long deadline = System.nanoTime() + timeout.get().toNanos();
        // The body is read while an instance is found (or started), and both complete on the request's own event
        // loop: a Vert.x request must only be touched from its context.
        Future<Buffer> body = request.body();
        Future<InstancePool.Lease> leased = Future.fromCompletionStage(current.acquire(), Vertx.currentContext());
        Future.all(body, leased).onComplete(both -> {
            if (leased.failed()) {
                request.response().setStatusCode(503).end(name + ": " + leased.cause().getMessage());
                return;
            }
            InstancePool.Lease lease = leased.result();
            if (body.failed()) {
                lease.release();
                return; // the caller went away while waiting
            }
            forward(request, lease.port(), body.result(), deadline).onComplete(done -> {
                lease.release();
                if (done.failed() && !request.response().ended()) {
                    request.response().setStatusCode(502).end(name + ": the instance failed mid-request: " + done.cause().getMessage());
                }
            });
        });
    }

    private Future<Void> forward(HttpServerRequest in, int port, Buffer body, long deadline) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        RequestOptions options = new RequestOptions().setMethod(in.method()).setHost("127.0.0.1").setPort(port)
                .setURI(in.uri()).setIdleTimeout(left);
        return client.request(options).compose(out -> {
            copy(in.headers(), out.headers());
            return out.send(body);
        }).compose(answer -> answer.body().map(b -> {
            copy(answer.headers(), in.response().headers());
            in.response().setStatusCode(answer.statusCode()).end(b);
            return null;
        }));
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                to.add(h.getKey(), h.getValue());
            }
        });
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
        client.close();
    }
}
