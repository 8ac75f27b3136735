package dev.kiln.bench.container;

import dev.kiln.bench.support.BenchRun;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.host.BuildLog;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.builder.host.LocalArtifacts;
import dev.kiln.builder.host.MavenCommand;
import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.builder.resources.BuildOutcome;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.builder.resources.KanikoBuild;
import dev.kiln.containers.BuildJobRunner;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.testing.containers.BaseImages;
import dev.kiln.testing.containers.Buildah;
import dev.kiln.testing.git.GitHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The greeter built as a cluster builds it (its build Job, played with buildah as the container tier plays it) and
 * as local mode builds it (a host build), side by side in one run:
 * <ol>
 * <li>cold: a fresh cache directory, so the base images are made from nothing (debootstrap, Maven from Central),
 *     then the build with an empty layer cache (every dependency from Central inside the build), once;</li>
 * <li>warm base images, empty layer cache: what a cluster's first build of a function costs, and what every
 *     {@code ./mvnw verify} pays per function;</li>
 * <li>a one-line change with the layer cache warm: what a push costs (the dependencies layer is reused);</li>
 * <li>host builds of the same two commits with a warm Maven repository, as {@code bench/run-builder} measures them.</li>
 * </ol>
 * Every container build trains the class archive with the same rounds as host builds here (100). Options:
 * {@code --rounds 3 --cold-rounds 3 --maven ./mvnw --greeter examples/functions/greeter --out FILE}, and BenchRun's.
 *
 * <p>Under the benchmarks' rules ({@link BenchRun}): the machine checked first and watched throughout; the cold scenario
 * {@code --cold-rounds} times, each in a fresh cache; a host build run first and not counted (it fills the Maven
 * repository); in each round the container side and the host side in an order drawn from the printed seed. A build is
 * a one-shot measurement: there is no rate to hold still, so the warm-ups are those uncounted first builds.
 */
public final class ContainerBench {

    private ContainerBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-container-build", args);
        Map<String, String> opts = run.options();
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        int coldRounds = Integer.parseInt(opts.getOrDefault("cold-rounds", "3"));
        Path maven = Path.of(opts.getOrDefault("maven", "mvnw")).toAbsolutePath();
        Path greeter = Path.of(opts.getOrDefault("greeter", "examples/functions/greeter")).toAbsolutePath();
        Path out = Path.of(opts.getOrDefault("out", "bench/results/container-" + LocalDate.now() + ".md"));
        BaseImages.unavailable().ifPresent(why -> {
            throw new IllegalStateException(why);
        });

        Path dir = Files.createTempDirectory("kiln-container-bench");
        StringBuilder md = new StringBuilder();
        md.append("| scenario | median | min | max | runs |\n|---|---:|---:|---:|---:|\n");
        try (GitHttpServer server = new GitHttpServer(Files.createDirectories(dir.resolve("served/public")).getParent())) {
            GitHttpServer.Repo repo = server.new Repo("public/functions.git");
            RevCommit first = repo.commitTree("the greeter", greeter, "greeter");
            String url = server.url("public/functions.git");

            // 1. cold: base images from nothing, then a build with no layer cache; each round in a fresh cache (the last one
            // is kept for the warm scenarios).
            List<Duration> coldBases = new ArrayList<>();
            List<Duration> coldBuilds = new ArrayList<>();
            List<Duration> coldTotals = new ArrayList<>();
            BaseImages cold = null;
            Path coldCache = null;
            for (int c = 1; c <= coldRounds; c++) {
                if (coldCache != null) {
                    deleteTree(coldCache);
                }
                coldCache = dir.resolve("cold-cache-" + c);
                long t0 = System.nanoTime();
                cold = BaseImages.make(coldCache, dir.resolve("cold-base-images-" + c + ".log"));
                Duration bases = Duration.ofNanos(System.nanoTime() - t0);
                Buildah coldBuildah = Buildah.over(cold, coldCache.resolve("builds/bench"));
                Duration build = job(coldBuildah, cold, url, first, dir.resolve("cold-" + c));
                coldBuildah.removeAll();
                coldBases.add(bases);
                coldBuilds.add(build);
                coldTotals.add(bases.plus(build));
                System.err.printf("cold round %d/%d done%n", c, coldRounds);
            }
            row(md, "cold: base images made (debootstrap, Maven)", coldBases);
            row(md, "cold: build Job, empty layer cache", coldBuilds);
            row(md, "cold: total", coldTotals);

            // 4's warm-up: a host build not counted, which fills the Maven repository.
            Path sdkRepo = dir.resolve("sdk-repository");
            LocalArtifacts.stage(sdkRepo, LocalArtifacts.sdkJar());
            MavenCommand mvn = new MavenCommand(List.of(maven.toString()));
            Path m2 = dir.resolve("m2");
            host(mvn, sdkRepo, m2, dir.resolve("host-warmup"), url, first);
            run.warmedUp("host build", "one build run and not counted (fills the Maven repository)");
            run.warmedUp("container build", "the cold rounds ran first (buildah, the layer store); a build is one-shot, no rate to hold still");

            // 2. warm base images, empty layer cache; 3. a one-line change with the layer cache warm; 4. host builds of the same
            // two commits. Each round takes the container side and the host side in a drawn order.
            List<Duration> lookups = new ArrayList<>();
            List<Duration> warm = new ArrayList<>();
            List<Duration> change = new ArrayList<>();
            List<Duration> hostWarm = new ArrayList<>();
            List<Duration> hostChange = new ArrayList<>();
            Buildah buildah = Buildah.over(cold, coldCache.resolve("builds/bench"));
            Path source = repo.workTree().resolve("greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java");
            for (int i = 0; i < rounds; i++) {
                RevCommit changed = repo.commit("one line " + i, "greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java",
                        Files.readString(source).replaceFirst("private String punctuation = \"[^\"]*\";", "private String punctuation = \"!" + i + "\";"));
                for (String side : run.shuffled(List.of("container", "host"))) {
                    if (side.equals("container")) {
                        long l0 = System.nanoTime();
                        BaseImages.make(coldCache, dir.resolve("warm-base-images.log"));
                        lookups.add(Duration.ofNanos(System.nanoTime() - l0));
                        buildah.removeAll();
                        warm.add(job(buildah, cold, url, first, dir.resolve("warm-" + i)));
                        change.add(job(buildah, cold, url, changed, dir.resolve("change-" + i)));
                    } else {
                        Path cache = dir.resolve("host-" + i);
                        hostWarm.add(host(mvn, sdkRepo, m2, cache, url, first));
                        hostChange.add(host(mvn, sdkRepo, m2, cache, url, changed));
                    }
                }
                System.err.printf("round %d/%d done%n", i + 1, rounds);
            }
            buildah.removeAll();
            row(md, "warm base images: finding them (hack/base-images)", lookups);
            row(md, "warm base images: build Job, empty layer cache", warm);
            row(md, "warm base images: build Job after a one-line change, layer cache warm", change);
            row(md, "host build (local mode), warm Maven repository", hostWarm);
            row(md, "host build after a one-line change", hostChange);
            repo.close();
        } finally {
            deleteTree(dir);
        }
        run.close();
        md.append("\nA build Job = kiln-builder prepare (fetch, export, stage the SDK, Dockerfile.kiln) + buildah bud --isolation chroot"
                + " (dependencies from Maven Central inside the build, package, class archive trained by ArchiveTrainer) + the epoch times of"
                + " --reproducible. Host builds train with 100 rounds too.\n\nWarm-ups:\n\n" + run.warmupTable());
        String report = run.header() + md;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.print(report);
        System.err.println("report: " + out);
    }

    private static Duration job(Buildah buildah, BaseImages bases, String url, RevCommit commit, Path dir) throws Exception {
        BuilderConfig config = new BuilderConfig("ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64),
                "ghcr.io/kiln-dev/kiln-builder@sha256:" + "2".repeat(64), 3600, BuilderConfig.kanikoResources("1", "2Gi"),
                new MavenDockerfile.BaseImages(bases.build(), bases.run()));
        String key = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(commit.name().getBytes()));
        KanikoBuild plan = new KanikoBuild("greeter", "bench", "uid", url, commit.name(), "greeter", null, Strategy.MAVEN, null,
                "registry.example.com/bench/greeter", null, key, 1200);
        long t0 = System.nanoTime();
        BuildJobRunner.Result result = new BuildJobRunner(buildah, List.of()).run(Jobs.kanikoBuild(plan, config), dir);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (result.outcome().state() != BuildOutcome.State.SUCCEEDED) {
            throw new IllegalStateException("the build failed: " + result.outcome().message() + "\nlog: " + result.log());
        }
        return took;
    }

    private static Duration host(MavenCommand mvn, Path sdkRepo, Path m2, Path cache, String url, RevCommit commit) throws Exception {
        try (HostBuilder builder = new HostBuilder(new HostBuilder.Config(cache, mvn, List.of(sdkRepo), m2, JavaRuntime.current(), 100, 1, Map.of()))) {
            long t0 = System.nanoTime();
            builder.build(new HostBuilder.Request(url, commit.name(), "greeter", null, GitCredentials.NONE, Duration.ofMinutes(10)), BuildLog.NONE)
                    .get(15, TimeUnit.MINUTES);
            return Duration.ofNanos(System.nanoTime() - t0);
        }
    }

    private static void row(StringBuilder md, String scenario, List<Duration> runs) {
        List<Duration> sorted = runs.stream().sorted(Comparator.naturalOrder()).toList();
        String line = String.format(Locale.ROOT, "| %s | %s | %s | %s | %d |%n", scenario, fmt(sorted.get(sorted.size() / 2)), fmt(sorted.get(0)),
                fmt(sorted.get(sorted.size() - 1)), runs.size());
        md.append(line);
        System.err.print(line);
    }

    private static String fmt(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
