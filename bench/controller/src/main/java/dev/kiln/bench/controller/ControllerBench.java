package dev.kiln.bench.controller;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.builder.git.GitSources;
import dev.kiln.controller.MockCluster;
import dev.kiln.controller.functions.CommitResolver;
import dev.kiln.controller.functions.FunctionReconciler;
import dev.kiln.controller.functions.ImageRegistry;
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
 * <p>Usage: {@code ControllerBench --sizes 100,1000,5000 --out report.md}
 */
public final class ControllerBench {

    record Row(int size, long applyMs, long jobsMs, long servicesMs) {
    }

    public static void main(String[] args) throws Exception {
        // The mock server logs every request at INFO: thousands of lines per second would be what is measured.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        List<Integer> sizes = List.of(100, 1000, 5000);
        Path out = Path.of("bench/results/controller.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--sizes 100,1000 --out FILE)");
            }
        }
        Path base = Files.createTempDirectory("kiln-controller-bench");
        Files.createDirectories(base.resolve("public"));
        List<Row> rows = new ArrayList<>();
        try (GitHttpServer git = new GitHttpServer(base); GitHttpServer.Repo repo = git.new Repo("public/functions.git")) {
            repo.commitTree("the greeter", Path.of("examples/functions/greeter"), "greeter");
            for (int size : sizes) {
                rows.add(run(size, git.url("public/functions.git"), base.resolve("cache-" + size)));
                System.out.printf(Locale.ROOT, "%d Functions: jobs %d ms, services %d ms%n", size, rows.get(rows.size() - 1).jobsMs(),
                        rows.get(rows.size() - 1).servicesMs());
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        StringBuilder md = new StringBuilder("| Functions | apply all | → all Jobs created | per Function | builds done → all KServices | per Function |\n|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %d | %.1f s | %.1f s | %.1f ms | %.1f s | %.1f ms |%n", r.size(), r.applyMs() / 1000.0,
                    r.jobsMs() / 1000.0, (double) r.jobsMs() / r.size(), r.servicesMs() / 1000.0, (double) r.servicesMs() / r.size()));
        }
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.exit(0);
    }

    static Row run(int size, String url, Path cache) throws Exception {
        String ns = "bench";
        try (MockCluster cluster = new MockCluster()) {
            KubernetesClient client = cluster.client();
            Clock clock = Clock.systemUTC();
            cluster.start(List.of(new FunctionReconciler(client, new CommitResolver(new GitSources(cache), client, clock), MockCluster.BUILDER,
                    new ImageRegistry("registry.example.com/kiln", null), clock)));

            long start = System.nanoTime();
            for (int i = 0; i < size; i++) {
                Function f = new Function();
                f.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(String.format(Locale.ROOT, "fn-%05d", i)).build());
                f.setSpec(new FunctionSpec());
                f.getSpec().source = new FunctionSource();
                f.getSpec().source.git = new GitSource();
                f.getSpec().source.git.url = url;
                f.getSpec().source.git.contextDir = "greeter";
                client.resource(f).create();
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
