package dev.kiln.bench.controller;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.bench.support.BenchRun;
import dev.kiln.bench.support.SteadyState;
import dev.kiln.bench.support.Summary;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.builder.git.GitSources;
import dev.kiln.controller.MockCluster;
import dev.kiln.controller.functions.CommitResolver;
import dev.kiln.controller.functions.FunctionReconciler;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * N Functions applied to the fabric8 mock API server; the Function reconciler (in a JOSDK Operator, as in the
 * tests) resolves each against a real Git server over HTTP and creates its Job. Measured: from the first apply to
 * the last Job; then from the first completed build (the benchmark plays Kaniko) to the last Knative Service.
 * Every Function is its own name in one namespace with the same source, so there is one build key per commit but one
 * commit resolution and one Job per Function, as a cluster with N Functions would have.
 *
 * <p>Under the benchmarks' rules ({@link BenchRun}): each size {@code --runs} times, each in a fresh JVM (all trials in
 * one seeded random order), each JVM's reconciler warmed in a cluster of its own until its rate holds still.
 *
 * <p>Usage: {@code ControllerBench --sizes 100,1000 --runs 3 --out report.md} (5,000 does not finish against the mock
 * API server: see docs/benchmarks.md)
 */
public final class ControllerBench {

    record Row(int size, long applyMs, long jobsMs, long servicesMs) {
    }

    /** One size in one fresh JVM: its row and how its warm-up went. */
    record Trial(int run, Row row, String warmup) {
    }

    private static final int WARM_BATCH = 50;

    public static void main(String[] args) throws Exception {
        // The mock server logs every request at INFO: thousands of lines per second would be what is measured.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        if (args.length == 2 && args[0].equals("--trial")) {
            trial(Integer.parseInt(args[1]));
            System.exit(0);
        }
        BenchRun bench = BenchRun.begin("bench/run-controller", args);
        List<Integer> sizes = List.of(100, 1000);
        int runs = 3;
        Path out = Path.of("bench/results/controller.md");
        String[] own = bench.args();
        for (int i = 0; i < own.length; i++) {
            switch (own[i]) {
                case "--sizes" -> sizes = java.util.Arrays.stream(own[++i].split(",")).map(Integer::parseInt).toList();
                case "--runs" -> runs = Integer.parseInt(own[++i]);
                case "--out" -> out = Path.of(own[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + own[i] + " (--sizes 100,1000 --runs 3 --out FILE)");
            }
        }
        // Every (size, run) in a fresh JVM, all of them in one order drawn from the seed: no size always runs first or last.
        List<int[]> trials = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            for (int size : sizes) {
                trials.add(new int[] {size, r});
            }
        }
        List<Trial> done = new ArrayList<>();
        for (int[] t : bench.shuffled(trials)) {
            Trial trial = inFreshJvm(t[0], t[1]);
            done.add(trial);
            bench.warmedUp(t[0] + " Functions, run " + t[1], trial.warmup());
            System.out.printf(Locale.ROOT, "%d Functions (run %d): jobs %d ms, services %d ms%n", t[0], t[1], trial.row().jobsMs(), trial.row().servicesMs());
        }
        bench.close();
        StringBuilder md = new StringBuilder(bench.header());
        md.append(String.format(Locale.ROOT, "Each size %d times, each time in a fresh JVM whose reconciler was first warmed with batches of %d Functions in a"
                + " cluster of their own until its rate held still (see Warm-ups); all trials in one random order. Figures are min / **median** / max.%n%n",
                runs, WARM_BATCH));
        md.append("| Functions | apply all | first apply → all Jobs created | per Function (median) | builds done → all KServices | per Function (median) |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
        for (int size : sizes) {
            List<Row> rows = done.stream().filter(t -> t.row().size() == size).map(Trial::row).toList();
            Summary jobs = Summary.of(rows.stream().map(r -> r.jobsMs() / 1000.0).toList());
            Summary services = Summary.of(rows.stream().map(r -> r.servicesMs() / 1000.0).toList());
            md.append(String.format(Locale.ROOT, "| %d | %s s | %s s | %.1f ms | %s s | %.1f ms |%n", size,
                    Summary.of(rows.stream().map(r -> r.applyMs() / 1000.0).toList()).format("%.1f"), jobs.format("%.1f"),
                    1000 * jobs.median() / size, services.format("%.1f"), 1000 * services.median() / size));
        }
        md.append("\nWarm-ups:\n\n").append(bench.warmupTable());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.exit(0);
    }

    /** Runs one trial in a new JVM with this one's flags and class path; reads its result line. */
    static Trial inFreshJvm(int size, int run) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ControllerBench.class.getName(), "--trial", Integer.toString(size)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        String warmup = "";
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (line.startsWith("RESULT ")) {
                result = line;
            } else if (line.startsWith("WARMUP ")) {
                warmup = line.substring("WARMUP ".length());
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the trial of " + size + " Functions failed (exit " + p.exitValue() + ")");
        }
        String[] f = result.split(" ");
        return new Trial(run, new Row(size, Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])), warmup);
    }

    /** In the trial's JVM: warm the reconciler to a steady rate in a cluster of its own, then the measured cluster. */
    static void trial(int size) throws Exception {
        Path base = Files.createTempDirectory("kiln-controller-bench");
        Files.createDirectories(base.resolve("public"));
        try (GitHttpServer git = new GitHttpServer(base); GitHttpServer.Repo repo = git.new Repo("public/functions.git")) {
            repo.commitTree("the greeter", Path.of("examples/functions/greeter"), "greeter");
            String url = git.url("public/functions.git");
            SteadyState.Result warm;
            try (Warming w = new Warming(url, base.resolve("cache-warm"))) {
                warm = SteadyState.warm(SteadyState.Rule.DEFAULT, w::batch);
            }
            System.out.println("WARMUP " + warm.describe() + " (Functions → Jobs per second, batches of " + WARM_BATCH + ")");
            Row r = run(size, url, base.resolve("cache"));
            System.out.println("RESULT " + size + " " + r.applyMs() + " " + r.jobsMs() + " " + r.servicesMs());
        }
    }

    /** A cluster of its own where batches of Functions are applied until their Jobs exist; the rate of each batch. */
    static final class Warming implements AutoCloseable {
        private final MockCluster cluster;
        private final String url;
        private int applied;

        Warming(String url, Path cache) throws Exception {
            this.url = url;
            this.cluster = new MockCluster();
            KubernetesClient client = cluster.client();
            Clock clock = Clock.systemUTC();
            cluster.start(List.of(new FunctionReconciler(client, new CommitResolver(GitSources.shared(cache), client, clock), MockCluster.BUILDER,
                    MockCluster.REGISTRY, clock)));
        }

        double batch() throws Exception {
            String ns = "warm-" + applied / WARM_BATCH; // a namespace per batch: the mock lists the batch, not all before it
            long t0 = System.nanoTime();
            for (int i = 0; i < WARM_BATCH; i++) {
                cluster.client().resource(function(ns, String.format(Locale.ROOT, "w-%05d", applied++), url)).create();
            }
            awaitCount(() -> cluster.client().batch().v1().jobs().inNamespace(ns).list().getItems(), WARM_BATCH);
            return WARM_BATCH / ((System.nanoTime() - t0) / 1e9);
        }

        @Override
        public void close() {
            cluster.close();
        }
    }

    static Function function(String ns, String name, String url) {
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        f.setSpec(new FunctionSpec());
        f.getSpec().source = new FunctionSource();
        f.getSpec().source.git = new GitSource();
        f.getSpec().source.git.url = url;
        f.getSpec().source.git.contextDir = "greeter";
        return f;
    }

    static Row run(int size, String url, Path cache) throws Exception {
        String ns = "bench";
        try (MockCluster cluster = new MockCluster()) {
            KubernetesClient client = cluster.client();
            Clock clock = Clock.systemUTC();
            cluster.start(List.of(new FunctionReconciler(client, new CommitResolver(GitSources.shared(cache), client, clock), MockCluster.BUILDER,
                    MockCluster.REGISTRY, clock)));

            long start = System.nanoTime();
            for (int i = 0; i < size; i++) {
                client.resource(function(ns, String.format(Locale.ROOT, "fn-%05d", i), url)).create();
            }
            long applied = System.nanoTime();
            List<Job> jobs = awaitCount(() -> client.batch().v1().jobs().inNamespace(ns).list().getItems(), size);
            long jobsDone = System.nanoTime();

            long buildsStart = System.nanoTime();
            String digest = "sha256:" + "ab".repeat(32);
            for (Job job : jobs) {
                cluster.completeBuild(job, digest);
            }
            awaitCount(() -> client.resources(Service.class).inNamespace(ns).list().getItems(), size);
            long servicesDone = System.nanoTime();
            return new Row(size, TimeUnit.NANOSECONDS.toMillis(applied - start), TimeUnit.NANOSECONDS.toMillis(jobsDone - start),
                    TimeUnit.NANOSECONDS.toMillis(servicesDone - buildsStart));
        }
    }

    static <T> List<T> awaitCount(java.util.function.Supplier<List<T>> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<T> items = list.get();
            if (items.size() >= size) {
                return items;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("fewer than " + size + " objects after 30 minutes");
    }
}
