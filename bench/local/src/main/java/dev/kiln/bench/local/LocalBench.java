package dev.kiln.bench.local;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.bench.support.BenchRun;
import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.builder.host.LocalArtifacts;
import dev.kiln.builder.host.MavenCommand;
import dev.kiln.function.CloudFunction;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.function.launch.JvmCommand;
import dev.kiln.local.functions.GitRevisions;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Local mode's two figures, in one run on one build of the greeter:
 * <ol>
 *   <li><b>scale from zero</b>: an event sent to the function's activator while no instance runs, to its reply;
 *       against the SDK's own cold start, the same build started by hand ({@code JvmCommand.run}) and sent the same
 *       event as soon as it accepts connections;</li>
 *   <li><b>push → new version serving</b>: a one-line commit, from {@code refresh()} (what a push webhook or a poll
 *       calls) to the first reply of the new version, with warm Maven and Git caches.</li>
 * </ol>
 * Usage: {@code LocalBench --maven ./mvnw --rounds 10 --out report.md}
 */
public final class LocalBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    static final String HELLO = "{\"name\":\"Ada\"}";

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-local", args);
        args = run.args();
        String maven = "./mvnw";
        int rounds = 10;
        int pushRounds = 3;
        Path out = Path.of("bench/results/local.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--maven" -> maven = Path.of(args[++i]).toAbsolutePath().toString(); // builds run in their own directories
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--push-rounds" -> pushRounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--maven CMD --rounds N --push-rounds N --out FILE)");
            }
        }
        Path dir = Files.createTempDirectory("kiln-local-bench");
        Files.createDirectories(dir.resolve("served/public"));
        JavaRuntime java = JavaRuntime.current();
        Vertx vertx = Vertx.vertx();
        StringBuilder md = new StringBuilder();
        try (GitHttpServer git = new GitHttpServer(dir.resolve("served")); GitHttpServer.Repo repo = git.new Repo("public/functions.git")) {
            repo.commitTree("the greeter", Path.of("examples/functions/greeter"), "greeter");
            Path sdkRepo = dir.resolve("sdk-repository");
            LocalArtifacts.stage(sdkRepo, Path.of(CloudFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            try (HostBuilder builder = new HostBuilder(new HostBuilder.Config(dir.resolve("cache"), new MavenCommand(List.of(maven)),
                    List.of(sdkRepo), null, java, 30, 1, Map.of()))) {
                Function f = new Function();
                f.setMetadata(new ObjectMetaBuilder().withNamespace("bench").withName("greeter").build());
                f.setSpec(new FunctionSpec());
                f.getSpec().source = new FunctionSource();
                f.getSpec().source.git = new GitSource();
                f.getSpec().source.git.url = git.url("public/functions.git");
                f.getSpec().source.git.contextDir = "greeter";
                f.getSpec().scale = new ScaleSpec();
                f.getSpec().scale.retention = "1ms";
                FunctionDefaults.apply(f);
                Files.createDirectories(dir.resolve("logs"));
                LocalFunction fn = new LocalFunction(vertx, f, Map.of(), dir.resolve("logs"), 0, Clock.systemUTC(),
                        self -> new GitRevisions(self, builder, fn0 -> dev.kiln.builder.git.GitCredentials.NONE, java));
                fn.refresh().get();
                if (fn.status().commit() == null) {
                    throw new IllegalStateException("the greeter did not build: " + fn.status());
                }
                List<Double> sdk = new ArrayList<>();
                List<Double> activator = new ArrayList<>();
                // A first round of each, not counted: the build's jars and archive into the page cache, this JVM's code compiled.
                sdkColdStart(java, fn);
                fromZero(fn);
                run.warmedUp("scale from zero, both sides", "one round of each run and not counted (page cache, the harness's and the"
                        + " activator's JIT); a cold start has no rate to hold still");
                for (int r = 0; r < rounds; r++) {
                    // Which side goes first is drawn each round, so neither always follows the other's exit.
                    for (String side : run.shuffled(List.of("sdk", "activator"))) {
                        if (side.equals("sdk")) {
                            sdk.add(sdkColdStart(java, fn));
                        } else {
                            activator.add(fromZero(fn));
                        }
                    }
                }
                md.append("| scale from zero (ms) | median | p90 | min | max |\n|---|---:|---:|---:|---:|\n");
                md.append(row("SDK cold start: process start → first reply (`JvmCommand.run`, same build)", sdk));
                md.append(row("through the activator: event sent with no instance → reply", activator));
                md.append(String.format(Locale.ROOT, "%nRatio of medians (activator / SDK): **%.2f×** (%d rounds, JDK %d).%n%n",
                        median(activator) / median(sdk), rounds, java.feature()));

                List<Double> push = new ArrayList<>();
                String code = Files.readString(repo.workTree().resolve("greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java"));
                for (int r = -1; r < pushRounds; r++) {
                    String greeting = "Hello" + "!".repeat(r + 3);
                    RevCommit c = repo.commit("round " + r, "greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java",
                            code.replace("\"en\", \"Hello\"", "\"en\", \"" + greeting + "\""));
                    long start = System.nanoTime();
                    fn.refresh().get();
                    if (!c.name().equals(fn.status().commit())) {
                        throw new IllegalStateException("round " + r + " did not switch: " + fn.status());
                    }
                    String reply = hello(fn.url());
                    if (r >= 0) { // round -1 warms Maven's and the builder's caches and code, and is not counted
                        push.add((System.nanoTime() - start) / 1e6);
                    }
                    if (!reply.contains(greeting)) {
                        throw new IllegalStateException("the new version did not answer: " + reply);
                    }
                }
                run.warmedUp("push → serving", "one push built and served first, not counted");
                md.append("| push → new version serving (ms, warm caches) | median | p90 | min | max |\n|---|---:|---:|---:|---:|\n");
                md.append(row("one-line change: resolve, mvn package, train, start beside, switch, first reply", push));
                fn.close();
            }
        } finally {
            vertx.close();
        }
        run.close();
        String report = run.header() + md + "\nWarm-ups:\n\n" + run.warmupTable();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.exit(0);
    }

    /** The same build started by hand, sent the event as soon as it answers; the process is stopped after. */
    static double sdkColdStart(JavaRuntime java, LocalFunction fn) throws Exception {
        Path appDir = appDir(fn);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(JvmCommand.run(java, appDir, List.of())).directory(appDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PORT", Integer.toString(port));
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            while (true) {
                try {
                    hello("http://127.0.0.1:" + port);
                    return (System.nanoTime() - start) / 1e6;
                } catch (java.io.IOException notYet) {
                    Thread.sleep(2);
                }
            }
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** Waits until the function runs no instance, then times one event through its activator. */
    static double fromZero(LocalFunction fn) throws Exception {
        while (fn.status().instances() > 0) {
            fn.reap();
            Thread.sleep(20);
        }
        Thread.sleep(200); // the stopped JVM's exit, so both sides start on a quiet machine
        long start = System.nanoTime();
        hello(fn.url());
        return (System.nanoTime() - start) / 1e6;
    }

    static Path appDir(LocalFunction fn) throws Exception {
        // The one build in the benchmark's cache (its logs directory sits beside the cache).
        Path cache = fn.instanceLog().getParent().getParent().resolve("cache/builds");
        try (var builds = Files.list(cache)) {
            return builds.map(b -> b.resolve("app")).filter(Files::isDirectory)
                    .max(java.util.Comparator.comparing(b -> b.toFile().lastModified())).orElseThrow();
        }
    }

    static String hello(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("ce-specversion", "1.0").header("ce-id", "b").header("ce-source", "/bench").header("ce-type", "dev.kiln.hello")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(HELLO)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static String row(String what, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f |%n", what, median(s), s.get((int) Math.ceil(s.size() * 0.9) - 1),
                s.get(0), s.get(s.size() - 1));
    }

    static double median(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
