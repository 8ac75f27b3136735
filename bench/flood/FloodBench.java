package dev.kiln.bench.flood;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.bench.support.BenchRun;
import dev.kiln.bench.support.Summary;
import dev.kiln.testing.http.WebhookFlood;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The flood of issue 20 as a benchmark (bench/run-flood): the GitHub adapter in its own JVM at its container's heap,
 * signed pushes at a steady pace before, during and after rounds of concurrent unsigned (and wrongly signed) large
 * bodies; reports the signed pushes' latency and outcome in each phase, and what the flood got. Under the benchmarks'
 * rules ({@link BenchRun}): the machine checked first, {@code --runs} runs (3), each with a fresh adapter and the kinds
 * in a seeded random order.
 */
public final class FloodBench {

    static final String SECRET = "bench-secret";
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final AtomicInteger delivered = new AtomicInteger();

    record Signed(long nanos, int status) {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-flood", args);
        args = run.args();
        Map<String, String> opts = new TreeMap<>(Map.of("--heap", "64m", "--rounds", "3", "--concurrency", "6", "--mib", "24",
                "--fit-mib", "5", "--pace-ms", "200", "--quiet-seconds", "10", "--out", "bench/results/flood-" + LocalDate.now() + ".md"));
        opts.put("--runs", "3");
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        int runs = Integer.parseInt(opts.get("--runs"));
        StringBuilder report = new StringBuilder();
        Map<String, List<Double>> p99s = new java.util.LinkedHashMap<>();
        for (int r = 1; r <= runs; r++) {
            report.append("\n### Run ").append(r).append("\n\n");
            once(run, opts, report, p99s);
        }
        run.warmedUp("signed pushes, each run", "3 s of signed pushes at the pace before each run's first phase, not reported (a paced"
                + " probe at 5/s has no saturation rate to hold still)");
        run.close();
        StringBuilder md = new StringBuilder("# Webhook flood, " + LocalDate.now() + "\n\n").append(run.header());
        md.append(String.format("Each of the %d runs starts a fresh adapter JVM and floods in a new random order of kinds. Signed pushes' p99 (ms) per"
                + " phase, min / **median** / max over the runs:%n%n| phase | p99 ms |%n|---|---|%n", runs));
        p99s.forEach((phase, v) -> md.append("| ").append(phase).append(" | ").append(Summary.of(v).format("%.1f")).append(" |\n"));
        md.append(report).append("\nWarm-ups:\n\n").append(run.warmupTable());
        System.out.print(md);
        Path out = Path.of(opts.get("--out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println("\nwritten to " + out);
    }

    /** One run: a fresh adapter, signed pushes before, during and after the flood. */
    static void once(BenchRun run, Map<String, String> opts, StringBuilder report, Map<String, List<Double>> p99s) throws Exception {
        delivered.set(0);
        String jar = Files.list(Path.of("event-sources/target")).map(Path::toString)
                .filter(p -> p.matches(".*/kiln-event-sources-[^/]*\\.jar") && !p.endsWith("-tests.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("build event-sources first"));
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            delivered.incrementAndGet();
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        sink.start();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + opts.get("--heap"), "-jar", jar, "github");
        pb.environment().putAll(Map.of("K_SINK", "http://127.0.0.1:" + sink.getAddress().getPort() + "/", "HOST", "127.0.0.1",
                "PORT", "0", "GITHUB_SECRET_TOKEN", SECRET));
        pb.redirectErrorStream(true);
        Process adapter = pb.start();
        try {
            int port = listening(adapter);
            Duration quiet = Duration.ofSeconds(Long.parseLong(opts.get("--quiet-seconds")));
            long pace = Long.parseLong(opts.get("--pace-ms"));
            signedFor(port, Duration.ofSeconds(3), pace); // warm-up, not reported
            List<Signed> before = signedFor(port, quiet, pace);
            AtomicBoolean flooding = new AtomicBoolean(true);
            List<Signed> during = Collections.synchronizedList(new ArrayList<>());
            Thread signer = new Thread(() -> {
                for (int i = 0; flooding.get(); i++) {
                    during.add(signedPush(port, "during-" + i));
                    sleep(pace);
                }
            });
            signer.start();
            Map<String, Integer> floodOutcomes = new TreeMap<>();
            List<String> rounds = new ArrayList<>();
            long floodStart = System.nanoTime();
            long bytes = Long.parseLong(opts.get("--mib")) << 20;
            int concurrency = Integer.parseInt(opts.get("--concurrency"));
            for (WebhookFlood.Kind kind : run.shuffled(List.of(WebhookFlood.Kind.values()))) {
                for (int r = 0; r < Integer.parseInt(opts.get("--rounds")); r++) {
                    long t0 = System.nanoTime();
                    List<Integer> outcomes = WebhookFlood.round(port, kind, concurrency, bytes, Duration.ofMinutes(5));
                    rounds.add(kind + " round " + (r + 1) + ": " + ms(System.nanoTime() - t0) + " ms, " + outcomes);
                    outcomes.forEach(o -> floodOutcomes.merge(kind + " " + (o == WebhookFlood.CLOSED ? "closed" : o.toString()), 1, Integer::sum));
                }
            }
            // Wrongly signed bodies small enough to be read whole: the case the held-bytes budget is for.
            long fit = Long.parseLong(opts.get("--fit-mib")) << 20;
            for (int r = 0; r < Integer.parseInt(opts.get("--rounds")); r++) {
                long t0 = System.nanoTime();
                List<Integer> outcomes = WebhookFlood.round(port, WebhookFlood.Kind.WRONG_SIGNATURE, concurrency, fit, Duration.ofMinutes(5));
                rounds.add("WRONG_SIGNATURE " + opts.get("--fit-mib") + " MiB round " + (r + 1) + ": " + ms(System.nanoTime() - t0) + " ms, " + outcomes);
                outcomes.forEach(o -> floodOutcomes.merge("WRONG_SIGNATURE " + opts.get("--fit-mib") + " MiB " + (o == WebhookFlood.CLOSED ? "closed" : o.toString()), 1, Integer::sum));
            }
            long floodNanos = System.nanoTime() - floodStart;
            flooding.set(false);
            signer.join();
            List<Signed> after = signedFor(port, quiet, pace);

            StringBuilder md = report;
            md.append("GitHub adapter at -Xmx").append(opts.get("--heap")).append("; flood: for each kind, ").append(opts.get("--rounds"))
                    .append(" rounds of ").append(concurrency).append(" concurrent ").append(opts.get("--mib"))
                    .append(" MiB bodies, then rounds of ").append(opts.get("--fit-mib")).append(" MiB wrongly signed ones; signed pushes every ").append(pace).append(" ms.\n\n");
            md.append("| phase | signed pushes | 202 | other | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|\n");
            row(md, "before (" + quiet.toSeconds() + " s)", before);
            row(md, "during the flood (" + ms(floodNanos) / 1000 + " s)", during);
            row(md, "after (" + quiet.toSeconds() + " s)", after);
            md.append("\nFlood outcomes: ").append(floodOutcomes).append("\n\n");
            rounds.forEach(r -> md.append("- ").append(r).append('\n'));
            md.append("\nEvents the sink received: ").append(delivered.get()).append("; adapter alive at the end: ")
                    .append(adapter.isAlive()).append('\n');
            p99s.computeIfAbsent("before", k -> new ArrayList<>()).add(p99(before));
            p99s.computeIfAbsent("during the flood", k -> new ArrayList<>()).add(p99(during));
            p99s.computeIfAbsent("after", k -> new ArrayList<>()).add(p99(after));
        } finally {
            adapter.destroy();
            adapter.waitFor(10, TimeUnit.SECONDS);
            adapter.destroyForcibly();
            sink.stop(0);
        }
    }

    static int listening(Process adapter) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(adapter.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.contains("listening on port ")) {
                        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                        drain.setDaemon(true);
                        drain.start();
                        return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
                    }
                    System.err.println("[adapter] " + line);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the adapter exited before listening");
        }).get(60, TimeUnit.SECONDS);
    }

    static List<Signed> signedFor(int port, Duration length, long pace) {
        List<Signed> results = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            results.add(signedPush(port, "quiet-" + System.nanoTime() + "-" + i));
            sleep(pace);
        }
        return results;
    }

    static Signed signedPush(int port, String delivery) {
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "1".repeat(40) + "\",\"repository\":{\"full_name\":\"kiln-dev/kiln\","
                + "\"html_url\":\"https://github.com/kiln-dev/kiln\"}}").getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                    .header("X-Hub-Signature-256", sig).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            int status = CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Signed(System.nanoTime() - t0, status);
        } catch (Exception e) {
            return new Signed(System.nanoTime() - t0, -1);
        }
    }

    static void row(StringBuilder md, String phase, List<Signed> results) {
        List<Long> ok = results.stream().filter(s -> s.status() == 202).map(Signed::nanos).sorted().toList();
        md.append("| ").append(phase).append(" | ").append(results.size()).append(" | ").append(ok.size()).append(" | ")
                .append(results.size() - ok.size()).append(" | ").append(pct(ok, 0.50)).append(" | ").append(pct(ok, 0.99))
                .append(" | ").append(pct(ok, 1.0)).append(" |\n");
    }

    /** @return the p99 of the 202s in ms, NaN when there was none */
    static double p99(List<Signed> results) {
        List<Long> ok = results.stream().filter(s -> s.status() == 202).map(Signed::nanos).sorted().toList();
        return ok.isEmpty() ? Double.NaN : ok.get(Math.min(ok.size() - 1, (int) Math.ceil(0.99 * ok.size()) - 1)) / 1e6;
    }

    static String pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        long v = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        return String.format("%.1f", v / 1e6);
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
