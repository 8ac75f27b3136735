package dev.kiln.bench;

import dev.kiln.bench.support.BenchRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the function SDK benchmark: every app on JDK 17 and JDK 25, each without and with its trained
 * archive; cold start (exec to first 2xx, interleaved rounds), RSS after the first request, the classes each
 * loaded before its first reply (by library and by origin), and wrk throughput. Prints a Markdown report and
 * writes it to {@code --out}.
 *
 * <pre>java -cp harness.jar:bench-support.jar dev.kiln.bench.Bench --bench DIR [--rounds 7] [--throughput-rounds 3] [--wrk-seconds 10]
 *     [--jdk25 PATH] [--apps kiln,kiln-otel,kiln-before,jdk-bare,jdk-jackson,quarkus-funqy,spring-cf] [--classes true] [--out FILE]
 *     [--busy-ok] [--seed N]</pre>
 *
 * <p>Under the benchmarks' rules ({@link BenchRun}): the machine checked first, a first cold-start round not counted, the
 * rounds and the throughput variants in seeded random orders, each throughput process warmed with wrk until its rate
 * holds still.
 *
 * <p>{@code kiln-otel} is the Kiln echo with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set (its spans go to a sink in this
 * JVM): its cold start and classes against {@code kiln}'s are what tracing costs, and what it costs when off.
 *
 * <p>{@code kiln-before} is the same echo on an earlier SDK ({@code bench/run --baseline REV} builds it); it is
 * measured only when built.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run", args);
        Map<String, String> opts = options(run.args());
        Path bench = Path.of(opts.getOrDefault("bench", "bench")).toAbsolutePath();
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "7"));
        int throughputRounds = Integer.parseInt(opts.getOrDefault("throughput-rounds", "3"));
        int wrkSeconds = Integer.parseInt(opts.getOrDefault("wrk-seconds", "10"));

        List<Jdk> jdks = new ArrayList<>();
        jdks.add(new Jdk(Path.of(System.getProperty("java.home")), Runtime.version().feature()));
        String jdk25 = opts.get("jdk25");
        if (jdk25 != null && !jdk25.isBlank()) {
            jdks.add(new Jdk(Path.of(jdk25), 25));
        }
        // kiln-otel: the same echo with OTEL_EXPORTER_OTLP_ENDPOINT set (a sink in this JVM takes the spans), against
        // kiln without it: what tracing costs a cold start, and which classes it loads (none without the variable).
        OtlpSink otlp = new OtlpSink();
        List<App> all = List.of(
                new App("kiln", bench.resolve("apps/kiln-echo/target/kiln"), "app.jar", true),
                new App("kiln-otel", bench.resolve("apps/kiln-echo/target/kiln"), "app.jar", true,
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(), "KILN_FUNCTION_NAME", "kiln-echo")),
                new App("kiln-before", bench.resolve("apps/kiln-echo/target/kiln-before"), "app.jar", true),
                new App("jdk-bare", bench.resolve("apps/jdk-bare/target/kiln"), "app.jar", false),
                new App("jdk-jackson", bench.resolve("apps/jdk-jackson/target/kiln"), "app.jar", false),
                new App("quarkus-funqy", bench.resolve("apps/quarkus-funqy/target/quarkus-app"), "quarkus-run.jar", false),
                new App("spring-cf", bench.resolve("apps/spring-cf/target/extracted"), "app.jar", false));
        List<String> only = List.of(opts.getOrDefault("apps", "kiln,kiln-otel,kiln-before,jdk-bare,jdk-jackson,quarkus-funqy,spring-cf").split(","));
        List<App> apps = all.stream().filter(a -> only.contains(a.name()))
                .filter(a -> !a.name().equals("kiln-before") || Files.isDirectory(a.dir())).toList();

        Runner runner = new Runner();
        java.util.Set<Path> trained = new java.util.HashSet<>();
        for (App app : apps) {
            if (!Files.isRegularFile(app.dir().resolve(app.jar()))) {
                throw new IllegalStateException(app.dir().resolve(app.jar()) + " is missing: run bench/run, which builds the apps");
            }
            if (!trained.add(app.dir())) {
                continue; // kiln-otel maps kiln's archive: the one a build trains, without the variable
            }
            for (Jdk jdk : jdks) {
                runner.train(app, jdk);
            }
        }

        List<Variant> variants = new ArrayList<>();
        for (App app : apps) {
            for (Jdk jdk : jdks) {
                variants.add(new Variant(app, jdk, false));
                variants.add(new Variant(app, jdk, true));
            }
        }
        Map<Variant, List<Runner.ColdStart>> cold = new LinkedHashMap<>();
        variants.forEach(v -> cold.put(v, new ArrayList<>()));
        // A first round, not counted: the jars and archives into the page cache, the harness's own probe code compiled.
        for (Variant v : run.shuffled(variants)) {
            runner.coldStart(v);
        }
        run.warmedUp("cold start, every variant", "one round run and not counted (page cache, the harness's JIT); a cold start is a new"
                + " process by definition, so there is no rate to hold still");
        for (int r = 1; r <= rounds; r++) {
            // Each round in a new order drawn from the run's seed, so drift in machine load spreads over every variant.
            for (Variant v : run.shuffled(variants)) {
                cold.get(v).add(runner.coldStart(v));
            }
            System.err.printf("cold-start round %d/%d done%n", r, rounds);
        }

        Map<Variant, ClassLoads> classes = new LinkedHashMap<>();
        if (Boolean.parseBoolean(opts.getOrDefault("classes", "true"))) {
            for (Variant v : variants) {
                classes.put(v, runner.classLoads(v));
            }
            System.err.println("class loads counted");
        }

        Map<Variant, List<Runner.Throughput>> load = new LinkedHashMap<>();
        if (throughputRounds > 0) {
            List<Variant> loaded = new ArrayList<>();
            for (App app : apps) {
                for (boolean archived : new boolean[] {false, true}) {
                    Variant v = new Variant(app, jdks.get(0), archived);
                    loaded.add(v);
                    load.put(v, new ArrayList<>());
                }
            }
            for (int r = 1; r <= throughputRounds; r++) {
                for (Variant v : run.shuffled(loaded)) {
                    load.get(v).add(runner.throughput(run, v.label() + ", round " + r, v, wrkSeconds));
                }
                System.err.printf("throughput round %d/%d done%n", r, throughputRounds);
            }
        }
        run.close();

        otlp.close();
        String report = run.header() + Report.markdown(rounds, throughputRounds, wrkSeconds, cold, classes, load, apps, jdks)
                + "\nWarm-ups:\n\n" + run.warmupTable();
        System.out.println(report);
        if (opts.containsKey("out")) {
            Path out = Path.of(opts.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }
}
