package dev.kiln.bench.eventing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the data-plane benchmarks load a plane with and measure it by, once: the subscriber ({@link Sink}, which times
 * each event from the send time it carries), wrk for saturation, and an open-loop paced sender for latency. Used by
 * bench/run-eventing and bench/run-peer, so Kiln's planes and the peer are measured by the same code.
 */
public final class Load {

    private Load() {
    }

    /** The subscriber: {@code /sink} counts and times events and answers 202; {@code /step} replies with the event it got. */
    public static final class Sink {
        /** Events the subscriber took at {@code /sink} (any path but {@code /step}). */
        public final AtomicLong count = new AtomicLong();
        volatile long[] latencies;
        volatile long[] sentAt;
        final AtomicInteger recorded = new AtomicInteger();

        /** @param req a request to the subscriber */
        public void handle(io.vertx.core.http.HttpServerRequest req) {
            req.body().onSuccess(body -> {
                if (req.path().equals("/step")) {
                    var resp = req.response().setStatusCode(200);
                    req.headers().forEach(h -> {
                        String name = h.getKey().toLowerCase(Locale.ROOT);
                        if (name.startsWith("ce-") || name.equals("content-type")) {
                            resp.putHeader(name, h.getValue());
                        }
                    });
                    resp.end(body);
                    return;
                }
                count.incrementAndGet();
                String sent = req.getHeader("ce-benchsent");
                long[] l = latencies;
                if (sent != null && l != null) {
                    int i = recorded.getAndIncrement();
                    if (i < l.length) {
                        long at = Long.parseLong(sent);
                        l[i] = System.nanoTime() - at;
                        sentAt[i] = at;
                    }
                }
                req.response().setStatusCode(202).end();
            });
        }
    }

    /** What a paced pass measured: send → subscriber p50 and p99 in ms, sends not answered 202, events over 5 ms. */
    public record Paced(double p50, double p99, long errors, long over5ms) {
    }

    /** Offers {@code rate} events/s for {@code seconds} (open loop), each stamped; returns send → subscriber latency. */
    public static Paced paced(Vertx vertx, String url, Map<String, String> headers, String body, double rate, int seconds, Sink sink)
            throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(64));
        long total = (long) (rate * seconds);
        sink.sentAt = new long[(int) Math.min(Integer.MAX_VALUE - 8, total + 1000)];
        sink.latencies = new long[sink.sentAt.length];
        sink.recorded.set(0);
        AtomicLong sent = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Buffer payload = Buffer.buffer(body);
        long start = System.nanoTime();
        long timer = vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate));
            while (sent.get() < due) {
                long n = sent.incrementAndGet();
                RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url);
                headers.forEach(o::putHeader);
                o.putHeader("ce-id", "p-" + n).putHeader("ce-benchsent", Long.toString(System.nanoTime()));
                client.request(o).compose(r -> r.send(payload))
                        .onComplete(ar -> {
                            if (ar.failed() || ar.result().statusCode() != 202) {
                                errors.incrementAndGet();
                            }
                        });
            }
        });
        Thread.sleep(seconds * 1000L + 200);
        vertx.cancelTimer(timer);
        drain(sink);
        client.close();
        int n = Math.min(sink.recorded.get(), sink.latencies.length);
        long[] l = Arrays.copyOf(sink.latencies, n);
        timeline(start, Arrays.copyOf(sink.sentAt, n), l);
        sink.latencies = null;
        Arrays.sort(l);
        if (n == 0) {
            return new Paced(Double.NaN, Double.NaN, errors.get(), 0);
        }
        long over = Arrays.stream(l).filter(v -> v > 5_000_000L).count();
        return new Paced(l[n / 2] / 1e6, l[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6, errors.get(), over);
    }

    /** Prints the five 100 ms windows (by send time) with the slowest events: shows whether the tail is a few stalls or steady. */
    public static void timeline(long start, long[] sentAt, long[] latencies) {
        Map<Long, long[]> windows = new java.util.TreeMap<>();
        for (int i = 0; i < sentAt.length; i++) {
            long[] w = windows.computeIfAbsent((sentAt[i] - start) / 100_000_000L, k -> new long[2]);
            w[0]++;
            w[1] = Math.max(w[1], latencies[i]);
        }
        long over = Arrays.stream(latencies).filter(v -> v > 5_000_000L).count();
        System.err.printf("    events over 5 ms: %d of %d; slowest 100 ms windows:", over, latencies.length);
        windows.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(5)
                .forEach(e -> System.err.printf(" [t=%.1fs n=%d max=%.1fms]", e.getKey() / 10.0, e.getValue()[0], e.getValue()[1] / 1e6));
        System.err.println();
    }

    /** Waits until the subscriber has seen nothing new for 300 ms. */
    public static void drain(Sink sink) throws InterruptedException {
        long last = -1;
        while (sink.count.get() != last) {
            last = sink.count.get();
            Thread.sleep(300);
        }
    }

    public static String wrk(String url, int seconds, Path lua) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency", "-s", lua.toString(), url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    public static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

}
