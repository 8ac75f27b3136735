package dev.kiln.bench.eventing;

import dev.kiln.bench.support.BenchRun;
import dev.kiln.bench.support.Machine;
import dev.kiln.bench.support.Profiler;
import dev.kiln.bench.support.SteadyState;
import dev.kiln.bench.support.Summary;
import dev.kiln.eventing.EventingOptions;
import dev.kiln.eventing.EventingPlane;
import dev.kiln.eventing.ResourceState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.lang.management.ManagementFactory;
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
import java.util.function.ToDoubleFunction;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The eventing data plane's benchmark, in one JVM on 127.0.0.1 with wrk as the load generator, under the benchmarks'
 * rules ({@link BenchRun}): the machine checked before and watched during the run, every scenario warmed to a steady
 * state, the scenarios in a seeded random order in each of {@code --runs} runs, every figure as min/median/max.
 * <ol>
 * <li>the raw HTTP echo: wrk straight at the subscriber (the limit: nothing in front of it); saturation only, not paced: at
 *     half its saturation a sender sharing this JVM would be the bottleneck, not the echo;</li>
 * <li>for 1 Trigger, 10 Triggers (1 matching) and a 3-step Sequence, each on a plane keeping no journeys and one keeping
 *     them (what {@code kiln dev} runs): the saturation rate (events/s the subscriber receives while wrk drives
 *     ingress), then p50/p99 from ingress to the subscriber while a paced sender offers {@code --load} (half) of that
 *     run's saturation;</li>
 * <li>the bytes the JVM allocated per event at saturation (the raw echo's row is the subscriber's own share);</li>
 * <li>FilterBench (JMH): one filter evaluation per dialect.</li>
 * </ol>
 * Options: {@code --runs 3 --seconds 10 --window 2 --load 0.5 --jmh true --journeys compare|on|off --event-loops N[,M]
 * --paths raw,one,ten,seq --profile cpu|alloc|wall|lock --baseline-classpath CP --baseline-label REV --out FILE}, and BenchRun's ({@code --busy-ok --seed N ...}). {@code --profile} records
 * async-profiler over every measured saturation window of the last run, one flame graph per scenario, and adds what
 * the profiles say to the report. {@code --baseline-classpath} (bench/run-eventing --baseline REV builds it) runs every
 * plane in a JVM of its own ({@link PlaneMain}), the working tree's ("HEAD") beside the former revision's, as scenarios
 * of the same shuffled runs: before and after under the same load on the same machine at the same time.
 */
public final class EventingBench {

    static final String TYPE = "dev.kiln.bench.t0";
    private static final String BODY = "{\"order\":42,\"region\":\"eu\"}";
    /** The paced sender's binary-mode headers (it adds {@code ce-id} and the send time). */
    private static final Map<String, String> EVENT = Map.of("ce-specversion", "1.0", "ce-source", "/bench", "ce-type", TYPE,
            "Content-Type", "application/json");
    private static final String RAW = "raw HTTP echo (wrk → subscriber)";
    private static final String ONE = "1 trigger";
    private static final String TEN = "10 triggers, 1 matching";
    private static final String SEQUENCE = "3-step sequence";

    private EventingBench() {
    }

    /** One thing measured: a path through one plane (in this JVM, or in a child: {@code child}), or the raw echo (no plane). */
    record Scenario(String name, String journeys, String url, ChildPlane child) {
        String label() {
            return journeys.isEmpty() ? name : name + ", journeys " + journeys;
        }
    }

    /** One scenario in one run. */
    record Result(Scenario scenario, int run, double ingressPerSecond, long ingressErrors, double deliveredPerSecond, double bytesPerEvent,
            double pacedRate, double p50Millis, double p99Millis, long pacedErrors, long over5ms, SteadyState.Result warmup, Machine.Load cpu, double cpuMicrosPerEvent) {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-eventing", args);
        Map<String, String> opts = run.options();
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int window = Integer.parseInt(opts.getOrDefault("window", "2"));
        double load = Double.parseDouble(opts.getOrDefault("load", "0.5"));
        String profile = opts.get("profile");
        List<String> paths = List.of(opts.getOrDefault("paths", "raw,one,ten,seq").split(","));
        Path out = Path.of(opts.getOrDefault("out", "bench/results/eventing-" + LocalDate.now() + ".md"));
        String journeys = opts.getOrDefault("journeys", "compare");
        List<Integer> variants = switch (journeys) {
            case "compare" -> List.of(0, EventingOptions.DEFAULT_JOURNEYS);
            case "on" -> List.of(EventingOptions.DEFAULT_JOURNEYS);
            case "off" -> List.of(0);
            default -> throw new IllegalArgumentException("--journeys is compare, on or off, not " + journeys);
        };
        // Several counts (--event-loops 1,2) put planes with each side by side in the same run.
        List<Integer> loopCounts = opts.containsKey("event-loops")
                ? java.util.Arrays.stream(opts.get("event-loops").split(",")).map(Integer::parseInt).toList() : List.of(0);

        // The subscriber and the paced sender, on Vert.x's default event loops (what the raw echo measures).
        Vertx vertx = Vertx.vertx();
        // Named apart from the plane's (Vert.x names every instance's loops alike), so a profile tells them apart.
        AtomicInteger loop = new AtomicInteger();
        vertx.nettyEventLoopGroup().forEach(e -> e.execute(() -> Thread.currentThread().setName("bench-sink-loop-" + loop.getAndIncrement())));
        Load.Sink sink = new Load.Sink();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(sink::handle)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String sinkBase = "http://127.0.0.1:" + server.actualPort();
        Path lua = Files.createTempFile("kiln-event", ".lua");
        Files.writeString(lua, """
                wrk.method = "POST"
                wrk.body = '%s'
                wrk.headers["ce-specversion"] = "1.0"
                wrk.headers["ce-id"] = "bench-1"
                wrk.headers["ce-source"] = "/bench"
                wrk.headers["ce-type"] = "%s"
                wrk.headers["Content-Type"] = "application/json"
                """.formatted(BODY, TYPE));

        List<EventingPlane> planes = new ArrayList<>();
        List<ChildPlane> children = new ArrayList<>();
        String baseline = opts.get("baseline-classpath");
        String baselineLabel = opts.getOrDefault("baseline-label", "baseline");
        Profiler profiler = profile == null ? null : Profiler.inThisJvm();
        Path profiles = out.toAbsolutePath().resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", "") + "-profiles");
        try {
            List<Scenario> scenarios = new ArrayList<>();
            if (paths.contains("raw")) {
                scenarios.add(new Scenario(RAW, "", sinkBase + "/sink", null));
            }
            for (int loops : loopCounts) {
                for (int steps : variants) {
                    String on = (steps == 0 ? "off" : "on") + (loopCounts.size() > 1 ? ", " + (loops == 0 ? "default" : loops) + " event loops" : "");
                    if (baseline == null) {
                        EventingPlane plane = EventingPlane.start(loops == 0 ? EventingOptions.defaults().withJourneys(steps)
                                : EventingOptions.defaults().withEventLoops(loops).withJourneys(steps));
                        planes.add(plane);
                        PlaneMain.apply(plane, PlaneMain.manifests(sinkBase));
                        addPaths(scenarios, paths, on, plane.baseUrl(), null);
                    } else {
                        // Before and after side by side: each plane in a JVM of its own, the same flags, the same load.
                        String classPath = System.getProperty("java.class.path");
                        String benchJar = java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator)).filter(e -> e.endsWith("eventing-bench.jar"))
                                .findFirst().orElseThrow(() -> new IllegalStateException("eventing-bench.jar is not on the class path"));
                        ChildPlane head = ChildPlane.start("HEAD", classPath, sinkBase, steps, loops);
                        ChildPlane before = ChildPlane.start(baselineLabel, baseline + java.io.File.pathSeparator + benchJar, sinkBase, steps, loops);
                        children.add(head);
                        children.add(before);
                        addPaths(scenarios, paths, on + ", " + head.label(), head.url(), head);
                        addPaths(scenarios, paths, on + ", " + before.label(), before.url(), before);
                    }
                }
            }

            List<Result> results = new ArrayList<>();
            Map<String, Profiler.Summary> profiled = new LinkedHashMap<>();
            for (int r = 1; r <= runs; r++) {
                List<Scenario> order = run.shuffled(scenarios);
                System.err.printf("run %d/%d: %s%n", r, runs, order.stream().map(Scenario::label).toList());
                for (Scenario s : order) {
                    boolean profileThis = profiler != null && r == runs;
                    Result res = scenario(run, vertx, sink, lua, s, r, window, seconds, load, profileThis ? profiler : null, profile,
                            profiles, profiled);
                    results.add(res);
                }
            }
            Map<String, Double> filters = Boolean.parseBoolean(opts.getOrDefault("jmh", "true")) ? jmh() : Map.of();
            run.close();
            String report = report(run, results, filters, seconds, load, profiled, profile, profiles);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
            System.err.println("report: " + out);
        } finally {
            for (EventingPlane p : planes) {
                p.close();
            }
            for (ChildPlane c : children) {
                c.close();
            }
            vertx.close();
        }
    }

    /**
     * Warm-up to a steady state with wrk, the measured saturation window, then p50/p99 at {@code load} of the saturation
     * this run measured.
     */
    static Result scenario(BenchRun run, Vertx vertx, Load.Sink sink, Path lua, Scenario s, int runNumber, int window, int seconds, double load,
            Profiler profiler, String event, Path profiles, Map<String, Profiler.Summary> profiled) throws Exception {
        SteadyState.Result warm = run.steady(s.label() + ", run " + runNumber, () -> {
            long before = sink.count.get();
            long t0 = System.nanoTime();
            Load.wrk(s.url(), window, lua);
            return (sink.count.get() - before) / ((System.nanoTime() - t0) / 1e9);
        });
        Load.drain(sink);
        long before = sink.count.get();
        long allocated = PlaneMain.allocatedBytes() + (s.child() == null ? 0 : s.child().allocatedBytes());
        long cpu0 = cpuNanos();
        if (profiler != null) {
            profiler.start(event);
        }
        Machine.Sample m0 = Machine.sample();
        long t0 = System.nanoTime();
        String loaded = Load.wrk(s.url(), seconds, lua);
        Machine.Sample m1 = Machine.sample(); // before the drain: the CPUs while wrk drove the path
        Load.drain(sink); // what ingress accepted is delivered after wrk stops too; count it
        double elapsed = (System.nanoTime() - t0) / 1e9;
        if (profiler != null) {
            Path collapsed = profiler.stop(profiles.resolve(s.label().replaceAll("[^A-Za-z0-9]+", "-") + "-" + event));
            profiled.put(s.label(), Profiler.summary(collapsed, LAYERS, 15));
        }
        long events = sink.count.get() - before;
        long allocatedAfter = PlaneMain.allocatedBytes() + (s.child() == null ? 0 : s.child().allocatedBytes());
        double bytesPerEvent = events == 0 ? Double.NaN : (allocatedAfter - allocated) / (double) events;
        // A child plane's CPU from /proc over the saturation window (10 ms ticks), added to this JVM's (subscriber, sender).
        double childCpuNanos = s.child() == null ? 0 : s.child().cpuNanos(m0, m1);
        double cpuPerEvent = events == 0 ? Double.NaN : (cpuNanos() - cpu0 + childCpuNanos) / 1e3 / events;
        double delivered = events / elapsed;
        Load.Paced paced;
        double rate;
        if (s.name().equals(RAW)) {
            // Not paced: at half the echo's saturation (tens of thousands of events/s) the paced sender, which shares this
            // JVM, is the bottleneck and queues (p50 643 ms in the run of 2026-11-28), so the figures would be the sender's.
            rate = Double.NaN;
            paced = new Load.Paced(Double.NaN, Double.NaN, 0, 0);
        } else {
            rate = delivered * load;
            Load.paced(vertx, s.url(), EVENT, BODY, rate, window, sink); // new connections and the paced rate's own steady state: not measured
            paced = Load.paced(vertx, s.url(), EVENT, BODY, rate, seconds, sink);
        }
        Result r = new Result(s, runNumber, Load.number(loaded, "Requests/sec:\\s+([\\d.]+)"), (long) Load.number(loaded, "Non-2xx or 3xx responses:\\s+(\\d+)"),
                delivered, bytesPerEvent, rate, paced.p50(), paced.p99(), paced.errors(), paced.over5ms(), warm, Machine.between(m0, m1, Machine.tree(m1, java.util.Set.of())), cpuPerEvent);
        System.err.printf(Locale.ROOT, "  %s, run %d: %.0f events/s delivered, %.0f B/event, %.1f µs CPU/event; paced at %.0f/s: p50 %.2f ms, p99 %.2f ms%n",
                s.label(), runNumber, delivered, bytesPerEvent, cpuPerEvent, rate, paced.p50(), paced.p99());
        return r;
    }

    /** The layers a profile's stacks are sorted into: which code the plane's time goes through. */
    static final Map<String, List<String>> LAYERS = layers();

    private static Map<String, List<String>> layers() {
        Map<String, List<String>> l = new LinkedHashMap<>();
        l.put("Kiln eventing (dev/kiln/eventing)", List.of("dev/kiln/eventing/", "dev.kiln.eventing."));
        l.put("Kiln HTTP sender (dev/kiln/http)", List.of("dev/kiln/http/", "dev.kiln.http."));
        l.put("CloudEvents SDK (io/cloudevents)", List.of("io/cloudevents/", "io.cloudevents."));
        l.put("Netty HTTP codec", List.of("io/netty/handler/codec/http/", "io.netty.handler.codec.http."));
        l.put("Vert.x HTTP (io/vertx/core/http)", List.of("io/vertx/core/http/", "io.vertx.core.http.", "io/vertx/core/net/impl/", "io.vertx.core.net.impl."));
        l.put("socket reads and writes (kernel)", List.of("[k]", "_[k]", "sys_write", "sys_read", "tcp_", "__x64_sys_"));
        l.put("epoll wait", List.of("epoll_wait", "Native.epollWait"));
        l.put("the benchmark's subscriber and sender", List.of("dev/kiln/bench/", "dev.kiln.bench."));
        l.put("GC", List.of("G1", "GCTaskThread", "ConcurrentGCThread"));
        l.put("JIT compiler", List.of("CompileBroker", "C2Compiler", "C1Compiler", "Compile::"));
        return l;
    }

    /** @return the CPU time this JVM used so far, all its threads */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void addPaths(List<Scenario> scenarios, List<String> paths, String label, String base, ChildPlane child) {
        if (paths.contains("one")) {
            scenarios.add(new Scenario(ONE, label, base + "/one/default", child));
        }
        if (paths.contains("ten")) {
            scenarios.add(new Scenario(TEN, label, base + "/ten/default", child));
        }
        if (paths.contains("seq")) {
            scenarios.add(new Scenario(SEQUENCE, label, base + "/sequences/seq/chain", child));
        }
    }

    /** A plane in a JVM of its own ({@link PlaneMain}), for before/after comparisons. */
    static final class ChildPlane implements AutoCloseable {
        private final String label;
        private final Process process;
        private final java.io.BufferedReader out;
        private final java.io.Writer in;
        private final String url;

        private ChildPlane(String label, Process process, java.io.BufferedReader out, java.io.Writer in, String url) {
            this.label = label;
            this.process = process;
            this.out = out;
            this.in = in;
            this.url = url;
        }

        static ChildPlane start(String label, String classPath, String sink, int journeys, int loops) throws Exception {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path log = Files.createTempFile("kiln-bench-plane-", ".log");
            Process p = new ProcessBuilder(javaBin, "-cp", classPath, PlaneMain.class.getName(), sink, Integer.toString(journeys), Integer.toString(loops))
                    .redirectError(log.toFile()).start();
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            var in = new java.io.OutputStreamWriter(p.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
            String line = out.readLine();
            if (line == null || !line.startsWith("PLANE=")) {
                throw new IllegalStateException("the " + label + " plane did not start: see " + log);
            }
            System.err.printf("plane %s: pid %d, %s (log %s)%n", label, p.pid(), line.substring(6), log);
            return new ChildPlane(label, p, out, in, line.substring(6));
        }

        String label() {
            return label;
        }

        String url() {
            return url;
        }

        long allocatedBytes() throws java.io.IOException {
            in.write("alloc\n");
            in.flush();
            String line = out.readLine();
            if (line == null || !line.startsWith("ALLOC=")) {
                throw new IllegalStateException("the " + label + " plane ended");
            }
            return Long.parseLong(line.substring(6));
        }

        double cpuNanos(Machine.Sample a, Machine.Sample b) {
            Machine.Proc before = a.procs().get(process.pid());
            Machine.Proc after = b.procs().get(process.pid());
            return before == null || after == null ? Double.NaN : (after.ticks() - before.ticks()) * 1e7;
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
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

    /** @return the median alone, or "–" when no run measured it */
    private static String median(Summary s, String format) {
        return s.count() == 0 ? "–" : String.format(Locale.ROOT, format, s.median());
    }

    private static Summary over(List<Result> rs, ToDoubleFunction<Result> f) {
        List<Double> v = new ArrayList<>();
        rs.forEach(r -> v.add(f.applyAsDouble(r)));
        return Summary.of(v);
    }

    static String report(BenchRun run, List<Result> results, Map<String, Double> filters, int seconds, double load,
            Map<String, Profiler.Summary> profiled, String event, Path profiles) {
        StringBuilder md = new StringBuilder(run.header());
        int runs = results.stream().mapToInt(Result::run).max().orElse(0);
        md.append(String.format(Locale.ROOT, "Planes, subscriber and paced sender share one JVM; wrk (`-t1 -c16`) runs beside it on the same cores. %d runs; in each, every scenario in a new random order, warmed"
                + " with wrk until the subscriber's rate held still, then measured for %d s at saturation and %d s paced at %.0f%% of that"
                + " run's saturation. Figures are min / **median** / max over the runs.%n%n", runs, seconds, seconds, 100 * load));

        Map<Double, Double> rawByRun = new LinkedHashMap<>();
        results.stream().filter(r -> r.scenario().name().equals(RAW)).forEach(r -> rawByRun.put((double) r.run(), r.deliveredPerSecond()));
        Map<String, List<Result>> byScenario = new LinkedHashMap<>();
        for (Result r : results) {
            byScenario.computeIfAbsent(r.scenario().label(), k -> new ArrayList<>()).add(r);
        }
        md.append("| path | events/s at the subscriber | of the raw echo (same run) | allocated B/event (JVM, median) | JVM CPU µs/event (median) | CPUs busy at saturation:"
                + " machine / this JVM + wrk / others (median) | paced at /s (median) | p50 ms | p99 ms | over 5 ms (median) | ingress non-2xx"
                + " | paced errors |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        byScenario.forEach((label, rs) -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.1f | %.2f / %.2f / %.2f | %s | %s | %s | %s | %d | %d |%n", label,
                over(rs, Result::deliveredPerSecond).format("%.0f"),
                rs.get(0).scenario().name().equals(RAW) ? "–" : over(rs, r -> 100 * r.deliveredPerSecond() / rawByRun.getOrDefault((double) r.run(), Double.NaN)).format("%.0f%%"),
                over(rs, Result::bytesPerEvent).median(), over(rs, Result::cpuMicrosPerEvent).median(), over(rs, r -> r.cpu().busy()).median(), over(rs, r -> r.cpu().own()).median(),
                over(rs, r -> r.cpu().others()).median(), median(over(rs, Result::pacedRate), "%.0f"), over(rs, Result::p50Millis).format("%.2f"),
                over(rs, Result::p99Millis).format("%.2f"), median(over(rs, r -> Double.isNaN(r.pacedRate()) ? Double.NaN : r.over5ms()), "%.0f"),
                rs.stream().mapToLong(Result::ingressErrors).sum(), rs.stream().mapToLong(Result::pacedErrors).sum())));
        md.append("\nThe raw echo's allocation and CPU per event are the subscriber's own share (wrk is another process); the paths' rows add the"
                + " plane's. Both are much less moved by other load on the machine than the rates. Ingress non-2xx at saturation are"
                + " 429s: a full lane pushing back, as designed. The raw echo is not paced (–): at half its saturation a sender sharing this"
                + " JVM is itself the bottleneck and queues, so its latency would be the sender's, not the echo's.\n");

        List<String> paths = byScenario.keySet().stream().map(k -> k.replaceFirst(", journeys .*$", "")).filter(k -> !k.equals(RAW)).distinct().toList();
        List<String> journeyValues = results.stream().map(r -> r.scenario().journeys()).filter(j -> !j.isEmpty()).distinct().toList();
        List<String> offs = journeyValues.stream().filter(j -> j.startsWith("off")).toList();
        if (!offs.isEmpty() && journeyValues.contains(offs.get(0).replaceFirst("^off", "on"))) {
            md.append("\nJourneys on against off (medians over the runs):\n\n| path | events/s off → on | change | allocated B/event off → on"
                    + " | CPU µs/event off → on | p99 ms off → on |\n|---|---|---|---|---|---|\n");
            for (String p : paths) {
                for (String j : offs) {
                    List<Result> off = byScenario.get(p + ", journeys " + j);
                    List<Result> on = byScenario.get(p + ", journeys " + j.replaceFirst("^off", "on"));
                    if (off == null || on == null) {
                        continue;
                    }
                    double a = over(off, Result::deliveredPerSecond).median();
                    double b = over(on, Result::deliveredPerSecond).median();
                    md.append(String.format(Locale.ROOT, "| %s | %.0f → %.0f | %+.1f%% | %.0f → %.0f | %.1f → %.1f | %.2f → %.2f |%n",
                            p + j.replaceFirst("^off", ""), a, b, 100 * (b / a - 1),
                            over(off, Result::bytesPerEvent).median(), over(on, Result::bytesPerEvent).median(),
                            over(off, Result::cpuMicrosPerEvent).median(), over(on, Result::cpuMicrosPerEvent).median(),
                            over(off, Result::p99Millis).median(), over(on, Result::p99Millis).median()));
                }
            }
        }

        md.append("\nEvery run (events/s at the subscriber; p99 ms at the paced rate):\n\n| path |");
        for (int r = 1; r <= runs; r++) {
            md.append(" run ").append(r).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(runs)).append('\n');
        byScenario.forEach((label, rs) -> {
            md.append("| ").append(label).append(" |");
            rs.stream().sorted(java.util.Comparator.comparingInt(Result::run)).forEach(r -> md.append(String.format(Locale.ROOT, " %.0f; %s |",
                    r.deliveredPerSecond(), Double.isNaN(r.p99Millis()) ? "–" : String.format(Locale.ROOT, "%.2f", r.p99Millis()))));
            md.append('\n');
        });

        if (!filters.isEmpty()) {
            md.append("\nFilter evaluation (JMH, average time, 1 fork, 3×1 s warm-up, 5×1 s measured):\n\n| filter | ns/event |\n|---|---|\n");
            filters.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", k, v)));
        }

        md.append(String.format(Locale.ROOT, "%nGoals (issue 23), met only when every run meets them:%n%n| check | journeys | runs | goal | met |%n|---|---|---|---|---|%n"));
        for (String j : journeyValues) {
            List<Result> one = byScenario.getOrDefault(ONE + ", journeys " + j, List.of());
            Summary ratio = over(one, r -> r.deliveredPerSecond() / rawByRun.getOrDefault((double) r.run(), Double.NaN));
            md.append(String.format(Locale.ROOT, "| through 1 trigger vs raw echo | %s | %s | ≥ 40%% | %s |%n", j,
                    Summary.of(List.of(100 * ratio.min(), 100 * ratio.median(), 100 * ratio.max())).format("%.0f%%"), ratio.min() >= 0.4 ? "yes" : "**no**"));
            for (String p : paths) {
                Summary p99 = over(byScenario.get(p + ", journeys " + j), Result::p99Millis);
                md.append(String.format(Locale.ROOT, "| p99 at %.0f%% of saturation, %s | %s | %s ms | ≤ 5 ms | %s |%n", 100 * load, p, j, p99.format("%.2f"),
                        p99.max() <= 5 ? "yes" : "**no**"));
            }
        }
        if (!filters.isEmpty()) {
            double worst = filters.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            md.append(String.format(Locale.ROOT, "| slowest filter evaluation | – | %.0f ns | ≤ 1000 ns | %s |%n", worst, worst <= 1000 ? "yes" : "**no**"));
        }
        if (!profiled.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%nProfiles (async-profiler, event `%s`, over the last run's measured saturation windows; flame graphs"
                    + " in `%s`):%n", event, profiles));
            profiled.forEach((label, p) -> md.append("\n#### ").append(label).append("\n\n").append(p.markdown()));
        }
        md.append("\nWarm-ups:\n\n").append(run.warmupTable());
        return md.toString();
    }
}
