package dev.kiln.bench.peer;

import dev.kiln.bench.eventing.Load;
import dev.kiln.bench.support.BenchRun;
import dev.kiln.bench.support.Machine;
import dev.kiln.bench.support.SteadyState;
import dev.kiln.bench.support.Summary;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Kiln's Kafka-backed Broker beside Knative's Kafka broker data plane (the peer: eventing-kafka-broker's receiver and
 * dispatcher, built from its source outside this repository), in the same run, against the same Kafka (Kiln's
 * EmbeddedKafka, in a JVM of its own) and the same subscriber (answering 202), measured by the same code as
 * bench/run-eventing ({@link Load}): events/s end to end while wrk drives ingress, then p50/p99 from send to the
 * subscriber at {@code --load} (half) of that rate. Under the benchmarks' rules ({@link BenchRun}): the machine checked
 * first, {@code --runs} runs with the two in a new random order each, each warmed until its delivered rate holds still.
 *
 * <p>Each side runs in its own JVMs on the same JDK ({@code --java}, the peer needs 21 or later): Kiln's plane in one
 * ({@link KilnBrokerMain}), the peer's receiver and dispatcher in two, as their images run them. The CPU each process
 * used per event is reported beside the rates: it is much less moved by other load on the machine.
 *
 * <p>Options: {@code --peer DIR} (the peer's source, built), {@code --scripts DIR} (bench/peer/scripts), {@code --java HOME},
 * {@code --runs 3 --seconds 10 --window 2 --load 0.5 --align none|producer --kiln-event-loops N --out FILE}.
 * {@code --align producer} gives the peer's receiver Kiln's producer settings (idempotence on, Kiln's linger).
 */
public final class PeerBench {

    private static final String BODY = "{\"order\":42,\"region\":\"eu\"}";
    private static final Map<String, String> EVENT = Map.of("ce-specversion", "1.0", "ce-source", "/bench", "ce-type", "dev.kiln.bench.t0",
            "Content-Type", "application/json");

    private PeerBench() {
    }

    /** One side: its name, its ingress, the processes it runs in (for their CPU). */
    record Side(String name, String url, Map<String, Long> pids) {
    }

    /** One side in one run. */
    record Result(String side, int run, double ingressPerSecond, long ingressErrors, double deliveredPerSecond, double pacedRate, double p50,
            double p99, long pacedErrors, Map<String, Double> cpuMicrosPerEvent, SteadyState.Result warmup) {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-peer", args);
        Map<String, String> opts = run.options();
        Path peer = Path.of(required(opts, "peer")).toAbsolutePath();
        Path scripts = Path.of(opts.getOrDefault("scripts", "bench/peer/scripts")).toAbsolutePath();
        Path java = Path.of(required(opts, "java"), "bin", "java");
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int window = Integer.parseInt(opts.getOrDefault("window", "2"));
        double load = Double.parseDouble(opts.getOrDefault("load", "0.5"));
        String align = opts.getOrDefault("align", "none");
        if (!align.equals("none") && !align.equals("producer")) {
            throw new IllegalArgumentException("--align is none or producer, not " + align);
        }
        String loops = opts.getOrDefault("kiln-event-loops", "0");
        Path out = Path.of(opts.getOrDefault("out", "bench/results/peer-" + LocalDate.now() + ".md"));
        Path state = Files.createTempDirectory("kiln-peer-bench");
        String classPath = System.getProperty("java.class.path");

        List<Process> started = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try {
            // Kafka, in a JVM of its own, with the peer's topic (its control plane would create it; Kiln creates its own).
            Path bootstrapFile = state.resolve("bootstrap");
            Process kafka = start(started, state.resolve("kafka.log"), List.of(java.toString(), "-Xmx1g", "-cp", classPath,
                    KafkaMain.class.getName(), bootstrapFile.toString(), "knative-broker-bench-default:10"));
            waitFor(() -> Files.isRegularFile(bootstrapFile), kafka, 120, "Kafka did not start; see " + state.resolve("kafka.log"));
            String bootstrap = Files.readString(bootstrapFile).trim();

            Load.Sink sink = new Load.Sink();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(sink::handle)
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String subscriber = "http://127.0.0.1:" + server.actualPort() + "/sink";

            Process kiln = new ProcessBuilder(java.toString(), "-cp", classPath, KilnBrokerMain.class.getName(), bootstrap, subscriber, loops, "0")
                    .redirectError(state.resolve("kiln.log").toFile()).start();
            started.add(kiln);
            String kilnIngress = line(kiln, "KILN_INGRESS=", 120);

            ProcessBuilder up = new ProcessBuilder(scripts.resolve("peer-up.sh").toString(), peer.toString(), state.resolve("peer").toString(),
                    bootstrap, subscriber).redirectError(ProcessBuilder.Redirect.INHERIT);
            up.environment().put("PEER_JAVA_HOME", java.getParent().getParent().toString());
            if (align.equals("producer")) {
                up.environment().put("PEER_PRODUCER_OVERRIDES", "enable.idempotence=true linger.ms=" + dev.kiln.eventing.durable.EventLog.LINGER_MS);
            }
            Process peerUp = up.start();
            String peerIngress = line(peerUp, "PEER_INGRESS=", 180);
            long receiver = Long.parseLong(Files.readString(state.resolve("peer/receiver.pid")).trim());
            long dispatcher = Long.parseLong(Files.readString(state.resolve("peer/dispatcher.pid")).trim());
            run.own(receiver); // started by a script and left to init: the benchmark's own all the same
            run.own(dispatcher);

            Map<String, Long> kilnPids = new LinkedHashMap<>();
            kilnPids.put("Kiln plane", kiln.pid());
            kilnPids.put("Kafka", kafka.pid());
            Map<String, Long> peerPids = new LinkedHashMap<>();
            peerPids.put("receiver", receiver);
            peerPids.put("dispatcher", dispatcher);
            peerPids.put("Kafka", kafka.pid());
            List<Side> sides = List.of(new Side("Kiln (Kafka-backed Broker)", kilnIngress, kilnPids),
                    new Side("Knative Kafka broker (receiver + dispatcher)", peerIngress, peerPids));
            Path lua = Files.createTempFile("kiln-peer", ".lua");
            StringBuilder script = new StringBuilder("wrk.method = \"POST\"\nwrk.body = '" + BODY + "'\n");
            EVENT.forEach((k, v) -> script.append("wrk.headers[\"").append(k).append("\"] = \"").append(v).append("\"\n"));
            script.append("wrk.headers[\"ce-id\"] = \"bench-1\"\n");
            Files.writeString(lua, script);

            List<Result> results = new ArrayList<>();
            try {
                for (int r = 1; r <= runs; r++) {
                    List<Side> order = run.shuffled(sides);
                    System.err.printf("run %d/%d: %s%n", r, runs, order.stream().map(Side::name).toList());
                    for (Side s : order) {
                        results.add(measure(run, vertx, sink, lua, s, r, window, seconds, load));
                    }
                }
            } finally {
                new ProcessBuilder(scripts.resolve("peer-down.sh").toString(), state.resolve("peer").toString()).inheritIO().start().waitFor();
            }
            run.close();
            String report = report(run, results, seconds, load, align, java, loops, peer);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
            System.err.println("report: " + out + " (logs in " + state + ")");
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            vertx.close();
        }
        System.exit(0);
    }

    /** Warm-up to a steady delivered rate, the measured saturation window, then p50/p99 at {@code load} of that rate. */
    static Result measure(BenchRun run, Vertx vertx, Load.Sink sink, Path lua, Side s, int r, int window, int seconds, double load)
            throws Exception {
        SteadyState.Result warm = run.steady(s.name() + ", run " + r, () -> {
            long before = sink.count.get();
            long t0 = System.nanoTime();
            Load.wrk(s.url(), window, lua);
            return (sink.count.get() - before) / ((System.nanoTime() - t0) / 1e9);
        });
        drain(sink);
        long before = sink.count.get();
        Machine.Sample m0 = Machine.sample();
        long t0 = System.nanoTime();
        String loaded = Load.wrk(s.url(), seconds, lua);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Machine.Sample m1 = Machine.sample();
        long during = sink.count.get() - before;
        // The subscriber's rate while wrk drove ingress: what the dispatcher keeps up with; the backlog drains after.
        double delivered = during / elapsed;
        Map<String, Double> cpu = new LinkedHashMap<>();
        s.pids().forEach((name, pid) -> cpu.put(name, cpuMicros(m0, m1, pid) / Math.max(1, during)));
        drain(sink);
        double rate = delivered * load;
        Load.paced(vertx, s.url(), EVENT, BODY, rate, window, sink); // the paced rate's connections and partitions: not measured
        Load.Paced paced = Load.paced(vertx, s.url(), EVENT, BODY, rate, seconds, sink);
        Result res = new Result(s.name(), r, Load.number(loaded, "Requests/sec:\\s+([\\d.]+)"),
                (long) Load.number(loaded, "Non-2xx or 3xx responses:\\s+(\\d+)"), delivered, rate, paced.p50(), paced.p99(), paced.errors(), cpu, warm);
        System.err.printf(Locale.ROOT, "  %s, run %d: ingress %.0f/s, delivered %.0f/s, CPU µs/event %s; paced at %.0f/s: p50 %.2f ms, p99 %.2f ms%n",
                s.name(), r, res.ingressPerSecond(), delivered, cpu, rate, paced.p50(), paced.p99());
        return res;
    }

    /** @return the CPU time a process used between two samples, in µs (10 ms resolution) */
    static double cpuMicros(Machine.Sample a, Machine.Sample b, long pid) {
        Machine.Proc before = a.procs().get(pid);
        Machine.Proc after = b.procs().get(pid);
        return before == null || after == null ? Double.NaN : (after.ticks() - before.ticks()) * 10_000.0;
    }

    /** Waits until the subscriber has seen nothing new for a second (a Kafka consumer may pause between polls). */
    static void drain(Load.Sink sink) throws InterruptedException {
        long last = -1;
        while (sink.count.get() != last) {
            last = sink.count.get();
            Thread.sleep(1000);
        }
    }

    private static Summary over(List<Result> rs, ToDoubleFunction<Result> f) {
        List<Double> v = new ArrayList<>();
        rs.forEach(r -> v.add(f.applyAsDouble(r)));
        return Summary.of(v);
    }

    static String report(BenchRun run, List<Result> results, int seconds, double load, String align, Path java, String loops, Path peer) {
        StringBuilder md = new StringBuilder(run.header());
        md.append(String.format(Locale.ROOT, "Both planes against one Kafka (Kiln's EmbeddedKafka, KRaft, one node, its own JVM), one subscriber answering"
                + " 202 (Vert.x, in the benchmark's JVM) and the same load: wrk `-t1 -c16` binary-mode events at ingress for %d s after a warm-up to a"
                + " steady delivered rate, then an open-loop sender at %.0f%% of that rate for %d s, each event timed from its send to the subscriber."
                + " Every process on `%s`. The peer: `%s`. Figures are min / **median** / max over the runs.%n%n", seconds, 100 * load, seconds, java,
                peer));
        md.append("| setting | Kiln | Knative Kafka broker |\n|---|---|---|\n");
        md.append("| topic | `knative-broker-kiln-default`, 10 partitions (created by Kiln) | `knative-broker-bench-default`, 10 partitions"
                + " (created by the benchmark, as its control plane would) |\n");
        md.append("| producer | acks=all, enable.idempotence=true, linger.ms=" + dev.kiln.eventing.durable.EventLog.LINGER_MS + " (EventLog) | " + (align.equals("producer")
                ? "acks=all, **enable.idempotence=true, linger.ms=" + dev.kiln.eventing.durable.EventLog.LINGER_MS + "** (aligned with Kiln by `--align producer`)"
                : "acks=all, enable.idempotence=false, linger.ms=0 (its data-plane ConfigMap)") + " |\n");
        md.append("| ingress answers | 202 after Kafka's acknowledgement | 202 after Kafka's acknowledgement |\n");
        md.append("| delivery | one consumer group per Trigger, up to 32 in flight, unordered; commits final outcomes | one consumer group per"
                + " Trigger, `deliveryOrder: UNORDERED` (its consumer ConfigMap; `auto.offset.reset=earliest` as no control plane sets offsets) |\n");
        md.append("| event loops | " + (loops.equals("0") ? "one server (the default)" : loops) + " | Vert.x defaults of its images |\n");
        md.append("| tracing, journeys | journeys off | tracing off (no observability config) |\n\n");

        Map<String, List<Result>> bySide = new LinkedHashMap<>();
        results.forEach(r -> bySide.computeIfAbsent(r.side(), k -> new ArrayList<>()).add(r));
        md.append("| plane | ingress accepted /s (wrk) | delivered events/s (end to end) | ingress non-2xx | paced at /s (median) | p50 ms | p99 ms"
                + " | paced errors | CPU µs per delivered event (median, by process) |\n|---|---|---|---|---|---|---|---|---|\n");
        bySide.forEach((side, rs) -> {
            StringBuilder cpu = new StringBuilder();
            rs.get(0).cpuMicrosPerEvent().keySet().forEach(p -> cpu.append(cpu.length() == 0 ? "" : ", ").append(p).append(' ')
                    .append(String.format(Locale.ROOT, "%.0f", over(rs, r -> r.cpuMicrosPerEvent().get(p)).median())));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.0f | %s | %s | %d | %s |%n", side, over(rs, Result::ingressPerSecond).format("%.0f"),
                    over(rs, Result::deliveredPerSecond).format("%.0f"), rs.stream().mapToLong(Result::ingressErrors).sum(),
                    over(rs, Result::pacedRate).median(), over(rs, Result::p50).format("%.2f"), over(rs, Result::p99).format("%.2f"),
                    rs.stream().mapToLong(Result::pacedErrors).sum(), cpu));
        });
        md.append("\nDelivered events/s is the subscriber's rate while wrk drove ingress: with a durable broker, ingress may accept faster than the"
                + " dispatcher delivers (the backlog stays in Kafka and drains afterwards), so it is the dispatcher's pace that counts. CPU per event"
                + " is each process's user + system time over the saturation window (10 ms ticks) divided by the events delivered in it; Kafka's"
                + " is its share of carrying both writes and reads.\n");
        md.append("\nWarm-ups:\n\n").append(run.warmupTable());
        return md.toString();
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static Process start(List<Process> started, Path log, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, Process p, int seconds, String failure) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(failure);
            }
            Thread.sleep(200);
        }
    }

    /** @return the rest of the first stdout line of {@code p} that starts with {@code prefix} */
    private static String line(Process p, String prefix, int seconds) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = in.readLine()) != null; ) {
                    if (l.startsWith(prefix)) {
                        Thread drain = new Thread(() -> in.lines().forEach(x -> { }));
                        drain.setDaemon(true);
                        drain.start();
                        return l.substring(prefix.length()).trim();
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the process ended without printing " + prefix);
        }).get(seconds, TimeUnit.SECONDS);
    }
}
