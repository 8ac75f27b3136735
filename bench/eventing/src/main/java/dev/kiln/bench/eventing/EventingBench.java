package dev.kiln.bench.eventing;

import dev.kiln.eventing.EventingOptions;
import dev.kiln.eventing.EventingPlane;
import dev.kiln.eventing.ResourceState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The eventing data plane's benchmark, in one JVM on 127.0.0.1 with wrk as the load generator:
 * <ol>
 * <li>the raw HTTP echo rate of the subscriber (the limit: nothing in front of it);</li>
 * <li>for 1 Trigger, 10 Triggers (1 matching) and a 3-step Sequence: the saturation rate (events/s the
 *     subscriber receives while wrk drives ingress), then p50/p99 from ingress to the subscriber while a paced
 *     sender offers half that rate;</li>
 * <li>FilterBench (JMH): one filter evaluation per dialect.</li>
 * </ol>
 * Each path runs against a plane that keeps no journeys and one that does (the default, what {@code kiln dev} runs),
 * in {@code --rounds} rounds that alternate which goes first (off, on; on, off; ...), after both were warmed on every
 * path: what recording costs is read within one run, as the median of each over the rounds.
 * Options: {@code --seconds 10 --warmup 5 --load 0.5 --jmh true --journeys compare|on|off --rounds 3 --out FILE}
 * ({@code --load}: the paced rate as a fraction of the saturation rate).
 */
public final class EventingBench {

    private static final String TYPE = "dev.kiln.bench.t0";

    private EventingBench() {
    }

    record Scenario(String name, String url) {
    }

    record Result(String name, String journeys, double ingressPerSecond, long ingressErrors, double deliveredPerSecond, double pacedRate,
            double p50Millis, double p99Millis, long pacedErrors) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
        double load = Double.parseDouble(opts.getOrDefault("load", "0.5")); // the paced rate, as a fraction of saturation
        Path out = Path.of(opts.getOrDefault("out", "bench/results/eventing-" + LocalDate.now() + ".md"));
        String journeys = opts.getOrDefault("journeys", "compare");
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", journeys.equals("compare") ? "3" : "1"));
        List<Integer> variants = switch (journeys) {
            case "compare" -> List.of(0, EventingOptions.DEFAULT_JOURNEYS);
            case "on" -> List.of(EventingOptions.DEFAULT_JOURNEYS);
            case "off" -> List.of(0);
            default -> throw new IllegalArgumentException("--journeys is compare, on or off, not " + journeys);
        };

        Vertx vertx = Vertx.vertx();
        Sink sink = new Sink();
        HttpServer server = vertx.createHttpServer().requestHandler(sink::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String sinkBase = "http://127.0.0.1:" + server.actualPort();
        Path lua = Files.createTempFile("kiln-event", ".lua");
        Files.writeString(lua, """
                wrk.method = "POST"
                wrk.body = '{"order":42,"region":"eu"}'
                wrk.headers["ce-specversion"] = "1.0"
                wrk.headers["ce-id"] = "bench-1"
                wrk.headers["ce-source"] = "/bench"
                wrk.headers["ce-type"] = "%s"
                wrk.headers["Content-Type"] = "application/json"
                """.formatted(TYPE));

        List<EventingPlane> planes = new ArrayList<>();
        try {
            for (int steps : variants) {
                EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withJourneys(steps));
                planes.add(plane);
                for (String doc : manifests(sinkBase).split("(?m)^---\\s*$")) {
                    HasMetadata r = Serialization.unmarshal(doc);
                    ResourceState state = plane.apply(r);
                    if (!state.ready()) {
                        throw new IllegalStateException(r.getKind() + " " + r.getMetadata().getName() + ": " + state);
                    }
                }
            }
            wrk(sinkBase + "/sink", warmup, lua);
            String raw = wrk(sinkBase + "/sink", seconds, lua);
            double rawRate = number(raw, "Requests/sec:\\s+([\\d.]+)");
            System.err.printf("raw echo: %.0f req/s%n", rawRate);

            List<Scenario> scenarios = List.of(new Scenario("1 trigger", "/one/default"), new Scenario("10 triggers, 1 matching", "/ten/default"),
                    new Scenario("3-step sequence", "/sequences/seq/chain"));
            for (Scenario s : scenarios) {
                for (EventingPlane plane : planes) {
                    wrk(plane.baseUrl() + s.url(), warmup, lua); // every plane and path warm before anything is measured
                }
            }
            drain(sink);
            List<Result> results = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (Scenario s : scenarios) {
                    List<EventingPlane> order = new ArrayList<>(planes);
                    if (round % 2 == 1) {
                        java.util.Collections.reverse(order); // which goes first alternates, so neither always gets the warmer machine
                    }
                    for (EventingPlane plane : order) {
                        results.add(scenario(vertx, sink, lua, s.name(), plane.journeys().on() ? "on" : "off", plane.baseUrl() + s.url(),
                                warmup, seconds, load));
                    }
                }
            }
            Map<String, Double> filters = Boolean.parseBoolean(opts.getOrDefault("jmh", "true")) ? jmh() : Map.of();
            String report = report(rawRate, results, filters, seconds);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
        } finally {
            for (EventingPlane p : planes) {
                p.close();
            }
            vertx.close();
        }
    }

    /** Saturation with wrk, then p50/p99 at {@code load} of it, through one path of one plane. */
    static Result scenario(Vertx vertx, Sink sink, Path lua, String name, String journeys, String url, int warmup, int seconds, double load)
            throws Exception {
        wrk(url, warmup, lua);
        drain(sink);
        long before = sink.count.get();
        long t0 = System.nanoTime();
        String loaded = wrk(url, seconds, lua);
        drain(sink); // what ingress accepted is delivered after wrk stops too; count it
        double delivered = (sink.count.get() - before) / ((System.nanoTime() - t0) / 1e9);
        double rate = delivered * load;
        paced(vertx, url, rate, warmup, sink); // steady state only: the first seconds at a new rate are not measured
        Paced paced = paced(vertx, url, rate, seconds, sink);
        Result r = new Result(name, journeys, number(loaded, "Requests/sec:\\s+([\\d.]+)"),
                (long) number(loaded, "Non-2xx or 3xx responses:\\s+(\\d+)"), delivered, rate, paced.p50, paced.p99, paced.errors);
        System.err.println(r);
        return r;
    }

    static String manifests(String sink) {
        StringBuilder y = new StringBuilder("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: one}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: only, namespace: one}
                spec:
                  broker: default
                  filters: [{exact: {type: %s}}]
                  subscriber: {uri: '%s/sink'}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: ten}
                """.formatted(TYPE, sink));
        for (int i = 0; i < 10; i++) {
            y.append("""
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: t%d, namespace: ten}
                    spec:
                      broker: default
                      filters: [{exact: {type: dev.kiln.bench.t%d}}]
                      subscriber: {uri: '%s/sink'}
                    """.formatted(i, i, sink));
        }
        y.append("""
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: chain, namespace: seq}
                spec:
                  steps:
                  - uri: '%1$s/step'
                  - uri: '%1$s/step'
                  - uri: '%1$s/sink'
                """.formatted(sink));
        return y.toString();
    }

    /** The subscriber: {@code /sink} counts and times events; {@code /step} replies with the event it got. */
    static final class Sink {
        final AtomicLong count = new AtomicLong();
        volatile long[] latencies;
        volatile long[] sentAt;
        final AtomicInteger recorded = new AtomicInteger();

        void handle(io.vertx.core.http.HttpServerRequest req) {
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

    record Paced(double p50, double p99, long errors) {
    }

    /** Offers {@code rate} events/s for {@code seconds} (open loop), each stamped; returns ingress→subscriber latency. */
    static Paced paced(Vertx vertx, String url, double rate, int seconds, Sink sink) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(64));
        long total = (long) (rate * seconds);
        sink.sentAt = new long[(int) Math.min(Integer.MAX_VALUE - 8, total + 1000)];
        sink.latencies = new long[sink.sentAt.length];
        sink.recorded.set(0);
        AtomicLong sent = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long timer = vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate));
            while (sent.get() < due) {
                long n = sent.incrementAndGet();
                RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                        .putHeader("ce-specversion", "1.0").putHeader("ce-id", "p-" + n).putHeader("ce-source", "/bench")
                        .putHeader("ce-type", TYPE).putHeader("Content-Type", "application/json")
                        .putHeader("ce-benchsent", Long.toString(System.nanoTime()));
                client.request(o).compose(r -> r.send(Buffer.buffer("{\"order\":42,\"region\":\"eu\"}")))
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
            return new Paced(Double.NaN, Double.NaN, errors.get());
        }
        return new Paced(l[n / 2] / 1e6, l[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6, errors.get());
    }

    /** Prints the five 100 ms windows (by send time) with the slowest events: shows whether the tail is a few stalls or steady. */
    static void timeline(long start, long[] sentAt, long[] latencies) {
        Map<Long, long[]> windows = new java.util.TreeMap<>();
        for (int i = 0; i < sentAt.length; i++) {
            long[] w = windows.computeIfAbsent((sentAt[i] - start) / 100_000_000L, k -> new long[2]);
            w[0]++;
            w[1] = Math.max(w[1], latencies[i]);
        }
        long over = Arrays.stream(latencies).filter(v -> v > 5_000_000L).count();
        System.err.printf("  events over 5 ms: %d of %d; slowest 100 ms windows:", over, latencies.length);
        windows.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(5)
                .forEach(e -> System.err.printf(" [t=%.1fs n=%d max=%.1fms]", e.getKey() / 10.0, e.getValue()[0], e.getValue()[1] / 1e6));
        System.err.println();
    }

    /** Waits until the subscriber has seen nothing new for 300 ms. */
    static void drain(Sink sink) throws InterruptedException {
        long last = -1;
        while (sink.count.get() != last) {
            last = sink.count.get();
            Thread.sleep(300);
        }
    }

    static String wrk(String url, int seconds, Path lua) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency", "-s", lua.toString(), url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static Map<String, Double> jmh() throws Exception {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(new OptionsBuilder().include(FilterBench.class.getName()).forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .build()).run()) {
            scores.put(r.getParams().getParam("filter"), r.getPrimaryResult().getScore());
        }
        return scores;
    }

    static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> value) {
        double[] v = results.stream().mapToDouble(value).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String report(double raw, List<Result> results, Map<String, Double> filters, int seconds) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s on %d CPUs, %s %s, JDK %s. Planes, subscriber and paced sender share one JVM;"
                        + " wrk (`-t1 -c16 -d%ds`) runs beside it on the same cores.%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"), seconds));
        md.append(String.format(Locale.ROOT, "Raw HTTP echo (wrk straight at the subscriber): **%.0f req/s**.%n%n", raw));
        md.append("| path | journeys | ingress 2xx req/s (wrk) | ingress non-2xx | delivered events/s | of raw echo | paced at | p50 ms | p99 ms | paced errors |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %d | **%.0f** | %.0f%% | %.0f/s | %.2f | **%.2f** | %d |%n", r.name(), r.journeys(),
                    r.ingressPerSecond(), r.ingressErrors(), r.deliveredPerSecond(), 100 * r.deliveredPerSecond() / raw, r.pacedRate(),
                    r.p50Millis(), r.p99Millis(), r.pacedErrors()));
        }
        List<Result> off = results.stream().filter(r -> r.journeys().equals("off")).toList();
        List<Result> on = results.stream().filter(r -> r.journeys().equals("on")).toList();
        if (!off.isEmpty() && off.size() == on.size()) {
            md.append("\nJourneys on against off: the median over the rounds of each path (rounds alternate which goes first):\n\n")
                    .append("| path | delivered events/s off → on | change | p50 ms off → on | p99 ms off → on |\n|---|---|---|---|---|\n");
            for (String path : results.stream().map(Result::name).distinct().toList()) {
                List<Result> a = off.stream().filter(r -> r.name().equals(path)).toList();
                List<Result> b = on.stream().filter(r -> r.name().equals(path)).toList();
                double da = median(a, Result::deliveredPerSecond);
                double db = median(b, Result::deliveredPerSecond);
                md.append(String.format(Locale.ROOT, "| %s | %.0f → %.0f | %+.1f%% | %.2f → %.2f | %.2f → %.2f |%n", path, da, db, 100 * (db / da - 1),
                        median(a, Result::p50Millis), median(b, Result::p50Millis), median(a, Result::p99Millis), median(b, Result::p99Millis)));
            }
        }
        if (!filters.isEmpty()) {
            md.append("\nFilter evaluation (JMH, average time, 1 fork, 3×1 s warm-up, 5×1 s measured):\n\n| filter | ns/event |\n|---|---|\n");
            filters.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", k, v)));
        }
        List<Result> targets = on.isEmpty() ? results : on; // the targets hold for what kiln dev runs: journeys on
        Result one = targets.get(0);
        md.append("\nTargets:\n\n| check | measured | target | met |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| through 1 trigger vs raw echo | %.0f%% | ≥ 50%% | %s |%n", 100 * one.deliveredPerSecond() / raw,
                one.deliveredPerSecond() >= raw / 2 ? "yes" : "**no**"));
        for (Result r : targets) {
            md.append(String.format(Locale.ROOT, "| p99 at half saturation, %s | %.2f ms | ≤ 5 ms | %s |%n", r.name(), r.p99Millis(),
                    r.p99Millis() <= 5 ? "yes" : "**no**"));
        }
        if (!filters.isEmpty()) {
            double worst = filters.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            md.append(String.format(Locale.ROOT, "| slowest filter evaluation | %.0f ns | ≤ 1000 ns | %s |%n", worst, worst <= 1000 ? "yes" : "**no**"));
        }
        return md.toString();
    }
}
