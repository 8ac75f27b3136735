package dev.kiln.bench.builder;

import dev.kiln.bench.support.BenchRun;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.host.BuildLog;
import dev.kiln.builder.host.HostBuild;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.builder.host.LocalArtifacts;
import dev.kiln.builder.host.MavenCommand;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.function.launch.JvmCommand;
import dev.kiln.testing.git.GitHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Host builds of {@code examples/functions/greeter} from a Git repository served over HTTP on 127.0.0.1, with Kiln's
 * Maven wrapper:
 * <ol>
 * <li>cold: an empty Kiln cache and an empty Maven local repository (every plugin and dependency comes from Maven
 *     Central), once;</li>
 * <li>anchor: plain {@code mvn -o -DskipTests package} of the same source with the warmed repository and the
 *     user's {@code MAVEN_OPTS}, what a developer types and waits for without Kiln;</li>
 * <li>warm: an empty Kiln cache, the warmed Maven repository (fetch, Maven, training);</li>
 * <li>rebuild: a one-line change committed and pushed, then built with the same Kiln cache (incremental fetch);</li>
 * <li>cache hit: the same build key asked again.</li>
 * </ol>
 * Each of the last four runs {@code --rounds} times per runtime and reports the median and the spread, with the time
 * split into source, Maven and training from the builder's progress reports.
 * Under the benchmarks' rules ({@link BenchRun}): the machine checked first, one build of each kind not counted, the
 * scenarios of each round in a seeded random order.
 * Options: {@code --rounds 3 --cold-rounds 3 --javas HOME[,HOME] --maven ./mvnw --out FILE}, and BenchRun's.
 */
public final class BuilderBench {

    private BuilderBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-builder", args);
        Map<String, String> opts = run.options();
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        int coldRounds = Integer.parseInt(opts.getOrDefault("cold-rounds", "3"));
        Path maven = Path.of(opts.getOrDefault("maven", "mvnw")).toAbsolutePath();
        Path greeter = Path.of(opts.getOrDefault("greeter", "examples/functions/greeter")).toAbsolutePath();
        Path out = Path.of(opts.getOrDefault("out", "bench/results/builder-" + LocalDate.now() + ".md"));
        List<JavaRuntime> javas = new ArrayList<>();
        for (String home : opts.getOrDefault("javas", System.getProperty("java.home")).split(",")) {
            if (!home.isBlank()) {
                javas.add(JavaRuntime.at(Path.of(home)));
            }
        }

        Path dir = Files.createTempDirectory("kiln-builder-bench");
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Maven: %s; runtimes (training): %s. Each round runs the scenarios in a new random order; a first"
                        + " build of each kind is not counted (see Warm-ups).%n%n", maven, javas.stream().map(j -> "JDK " + j.feature()).toList()));
        try (GitHttpServer server = new GitHttpServer(Files.createDirectories(dir.resolve("served/public")).getParent())) {
            GitHttpServer.Repo repo = server.new Repo("public/functions.git");
            RevCommit first = repo.commitTree("the greeter", greeter, "greeter");
            String url = server.url("public/functions.git");
            Path sdkRepo = dir.resolve("sdk-repository");
            LocalArtifacts.stage(sdkRepo, Path.of(JvmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            MavenCommand mvn = new MavenCommand(List.of(maven.toString()));
            Path m2 = dir.resolve("m2");
            Path checkout = repo.workTree().resolve("greeter");
            Path source = checkout.resolve("src/main/java/dev/kiln/examples/greeter/Greeter.java");

            md.append("| scenario | runtime | median | min | max | source | maven | training |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
            // 1. cold: nothing cached anywhere (every round its own empty Maven repository and Kiln cache).
            List<Timed> cold = new ArrayList<>();
            for (int i = 0; i < coldRounds; i++) {
                try (HostBuilder b = new HostBuilder(config(dir.resolve("cache-cold-" + i), mvn, sdkRepo, dir.resolve("m2-cold-" + i), javas.get(0)))) {
                    cold.add(build(b, request(url, first)));
                }
            }
            // What the others start from: Maven's repository warmed by one build, not counted.
            try (HostBuilder b = new HostBuilder(config(dir.resolve("cache-prime"), mvn, sdkRepo, m2, javas.get(0)))) {
                build(b, request(url, first));
            }
            anchor(maven, checkout, sdkRepo, m2, dir);
            run.warmedUp("warm, rebuild, cache hit, anchor", "one build of each kind first, not counted (Maven's repository, the page"
                    + " cache, this JVM's code); a build is one-shot, so there is no rate to hold still");

            Map<String, List<Timed>> timed = new LinkedHashMap<>();
            Map<Integer, HostBuilder> rebuilders = new LinkedHashMap<>();
            for (JavaRuntime java : javas) {
                HostBuilder b = new HostBuilder(config(dir.resolve("cache-" + java.feature()), mvn, sdkRepo, m2, java));
                build(b, request(url, first)); // its first build fills its cache: the rebuilds are incremental from here
                rebuilders.put(java.feature(), b);
            }
            List<String> tasks = new ArrayList<>();
            tasks.add("anchor");
            for (JavaRuntime java : javas) {
                tasks.add("warm " + java.feature());
                tasks.add("rebuild " + java.feature());
            }
            int[] change = {0};
            int warmCaches = 0;
            for (int r = 1; r <= rounds; r++) {
                for (String task : run.shuffled(tasks)) {
                    if (task.equals("anchor")) {
                        timed.computeIfAbsent("anchor", k -> new ArrayList<>()).add(anchor(maven, checkout, sdkRepo, m2, dir));
                        continue;
                    }
                    JavaRuntime java = javas.stream().filter(j -> task.endsWith(" " + j.feature())).findFirst().orElseThrow();
                    if (task.startsWith("warm")) {
                        // 3. warm: Maven's repository is warm, Kiln's cache is empty.
                        try (HostBuilder fresh = new HostBuilder(config(dir.resolve("cache-warm-" + (++warmCaches)), mvn, sdkRepo, m2, java))) {
                            timed.computeIfAbsent(task, k -> new ArrayList<>()).add(build(fresh, request(url, first)));
                        }
                    } else {
                        // 4. rebuild after a one-line change, 5. cache hit.
                        HostBuilder builder = rebuilders.get(java.feature());
                        String code = Files.readString(source);
                        RevCommit changed = repo.commit("one line " + (++change[0]), "greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java",
                                code.replaceFirst("private String punctuation = \"[^\"]*\";", "private String punctuation = \"!" + change[0] + "\";"));
                        timed.computeIfAbsent(task, k -> new ArrayList<>()).add(build(builder, request(url, changed)));
                        timed.computeIfAbsent("hit " + java.feature(), k -> new ArrayList<>()).add(build(builder, request(url, changed)));
                    }
                }
            }
            for (HostBuilder b : rebuilders.values()) {
                b.close();
            }
            row(md, "cold (empty Kiln cache, empty Maven repository)", javas.get(0), cold);
            row(md, "anchor: plain `mvn -o -DskipTests package`", null, timed.get("anchor"));
            for (JavaRuntime java : javas) {
                row(md, "warm (empty Kiln cache, warm Maven repository)", java, timed.get("warm " + java.feature()));
                row(md, "rebuild after a one-line change (incremental fetch)", java, timed.get("rebuild " + java.feature()));
                row(md, "cache hit (same build key)", java, timed.get("hit " + java.feature()));
            }
            repo.close();
        } finally {
            deleteTree(dir);
        }
        run.close();
        md.append("\nTarget: a warm rebuild in 10 s or less. Source = fetch and export; maven = `mvn package` (offline first);"
                + " training = the SDK's training mode writing the runtime's class archive.\n\nWarm-ups:\n\n").append(run.warmupTable());
        String report = run.header() + md;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.print(report);
        System.err.println("report: " + out);
    }

    /** The anchor: plain Maven, offline, same source, warmed repository; what a developer waits for without Kiln. */
    private static Timed anchor(Path maven, Path checkout, Path sdkRepo, Path m2, Path dir) throws Exception {
        deleteTree(checkout.resolve("target"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(List.of(maven.toString(), "-B", "-ntp", "-o", "-DskipTests",
                "-Dmaven.repo.local.tail=" + sdkRepo, "-Dmaven.repo.local=" + m2, "package")).directory(checkout.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("anchor.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("plain mvn package failed: " + dir.resolve("anchor.log"));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        deleteTree(checkout.resolve("target"));
        return new Timed(took, Duration.ZERO, took, Duration.ZERO);
    }

    private static HostBuilder.Config config(Path cache, MavenCommand mvn, Path sdkRepo, Path m2, JavaRuntime java) {
        return new HostBuilder.Config(cache, mvn, List.of(sdkRepo), m2, java, 100, 1, Map.of());
    }

    private static HostBuilder.Request request(String url, RevCommit commit) {
        return new HostBuilder.Request(url, commit.name(), "greeter", null, GitCredentials.NONE, Duration.ofMinutes(10));
    }

    /** A build's wall time and its split, from the progress the builder reports. */
    record Timed(Duration total, Duration source, Duration maven, Duration training) {
    }

    private static Timed build(HostBuilder builder, HostBuilder.Request request) throws Exception {
        Map<String, Long> stepStarts = new LinkedHashMap<>();
        BuildLog log = new BuildLog() {
            @Override
            public void line(String line) {
            }

            @Override
            public void progress(String step, String detail) {
                stepStarts.putIfAbsent(step, System.nanoTime());
            }
        };
        long t0 = System.nanoTime();
        HostBuild build = builder.build(request, log).get(15, TimeUnit.MINUTES);
        long end = System.nanoTime();
        if (build.cached()) {
            return new Timed(Duration.ofNanos(end - t0), Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        long source = stepStarts.getOrDefault("source", t0);
        long maven = stepStarts.getOrDefault("maven", source);
        long train = stepStarts.getOrDefault("train", end);
        long done = stepStarts.getOrDefault("done", end);
        return new Timed(Duration.ofNanos(end - t0), Duration.ofNanos(maven - source), Duration.ofNanos(train - maven), Duration.ofNanos(done - train));
    }

    private static void row(StringBuilder md, String scenario, JavaRuntime java, List<Timed> runs) {
        List<Timed> sorted = runs.stream().sorted(Comparator.comparing(Timed::total)).toList();
        Timed median = sorted.get(sorted.size() / 2);
        String line = String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", scenario,
                java == null ? "-" : "JDK " + java.feature(), fmt(median.total()), fmt(sorted.get(0).total()),
                fmt(sorted.get(sorted.size() - 1).total()), fmt(median.source()), fmt(median.maven()), fmt(median.training()));
        md.append(line);
        System.err.print(line);
    }

    private static String fmt(Duration d) {
        long ms = d.toMillis();
        if (d.isZero()) {
            return "-";
        }
        if (ms < 1) {
            return String.format(Locale.ROOT, "%d µs", d.toNanos() / 1000);
        }
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
