package dev.kiln.builder.host;

import dev.kiln.api.functions.v1alpha1.BuildSpec;
import dev.kiln.builder.BuilderVersion;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.GitSources;
import dev.kiln.builder.git.SourceException;
import dev.kiln.builder.plan.BuildKey;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.function.launch.ArchiveKind;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.function.launch.JvmCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Local mode's builder: a Maven function built on this machine from its Git source, with the user's Maven and
 * {@code ~/.m2}. A build fetches the commit (through the {@link GitSources} cache), exports the context directory,
 * runs {@code mvn package} offline first and online only when something is missing, checks the template's layout
 * ({@code target/kiln/app.jar} beside {@code lib/}), then trains the class archive for the runtime with the SDK's
 * training mode ({@code JvmCommand.train}). Results are kept by build key: a key that was built is never built
 * again, and concurrent requests for one key share one build.
 *
 * <p>Layout under the cache directory: {@code git/} (bare repositories), {@code builds/<key>/} (the function
 * directory and {@code build.properties}), {@code logs/<key>.log} (the last build's log, kept on failure) and
 * {@code work/} (sources while building).
 */
public final class HostBuilder implements AutoCloseable {

    private static final String RESULT = "build.properties";
    /** Beside {@code app/} in a working tree's build: Maven's {@code target/classes}. */
    private static final String CLASSES = "classes";

    private final Config config;
    private final GitSources sources;
    private final BuildQueue queue;
    /** The Maven's version once it was checked: asked once, before the first build. */
    private volatile String mavenVersion;

    /**
     * What a host builder needs.
     *
     * @param cacheDir where sources, builds and logs are kept
     * @param maven the Maven to run
     * @param tailRepositories read-only local repositories behind the user's (Kiln's SDK), may be empty
     * @param localRepository the Maven local repository, or null for the user's
     * @param runtime the JVM the function will run on: the archive is trained for it
     * @param trainingRounds rounds of the SDK's training mode (0 skips training)
     * @param maxConcurrent how many builds run at once
     * @param env extra environment for Maven and training (e.g. {@code JAVA_HOME})
     */
    public record Config(Path cacheDir, MavenCommand maven, List<Path> tailRepositories, Path localRepository,
            JavaRuntime runtime, int trainingRounds, int maxConcurrent, Map<String, String> env) {
        /** Checks and copies. */
        public Config {
            Objects.requireNonNull(cacheDir, "cacheDir");
            Objects.requireNonNull(maven, "maven");
            Objects.requireNonNull(runtime, "runtime");
            tailRepositories = List.copyOf(tailRepositories);
            env = Map.copyOf(env);
        }
    }

    /**
     * One function to build.
     *
     * @param url the Git repository
     * @param commit the resolved commit (full SHA)
     * @param contextDir the function's directory in the repository, "" for the root
     * @param spec the build spec (strategy must come out as maven), or null
     * @param credentials Git credentials
     * @param timeout how long Maven and training may take together
     */
    public record Request(String url, String commit, String contextDir, BuildSpec spec, GitCredentials credentials,
            Duration timeout) {
        /** @return the key this request builds */
        public String key() {
            return BuildKey.of(commit, contextDir == null ? "" : contextDir, spec, BuilderVersion.CURRENT);
        }
    }

    /**
     * A function project's working tree to build as it is, uncommitted changes included (local mode, a Function whose
     * source is a local path). Its key is a digest of what the build reads ({@link WorkingTree}), so an unchanged
     * tree is not built again. It is not trained: the caller runs it with the classes apart from the jars, and trains
     * the jars' archive itself. Besides {@code app/}, the build keeps {@code classes/}, Maven's compiled classes and
     * resources, for the caller to compile edits against.
     *
     * @param project the project directory (its pom.xml)
     * @param spec the build spec (strategy must come out as maven), or null
     * @param timeout how long Maven may take
     */
    public record TreeRequest(Path project, BuildSpec spec, Duration timeout) {
    }

    /** @param config the configuration */
    public HostBuilder(Config config) {
        this.config = config;
        this.sources = GitSources.singleUser(config.cacheDir().resolve("git")); // one user's machine: cached commits build offline
        this.queue = new BuildQueue(config.maxConcurrent());
    }

    /** @return the Git cache builds fetch through, for resolving revisions with the same clones */
    public GitSources sources() {
        return sources;
    }

    /**
     * Builds, unless the request's key has been built: then the earlier build comes back with {@code cached} set.
     *
     * @param request what to build
     * @param log where output and progress go
     * @return the build; fails with {@link HostBuildException}
     */
    public CompletableFuture<HostBuild> build(Request request, BuildLog log) {
        String key = request.key();
        HostBuild done = cached(key);
        if (done != null) {
            return CompletableFuture.completedFuture(done);
        }
        return queue.submit(key, () -> {
            HostBuild again = cached(key);
            if (again != null) {
                return again;
            }
            Path work = work(key);
            try {
                prepare(request, work.resolve("src"), log);
            } catch (HostBuildException | RuntimeException e) {
                deleteQuietly(work);
                throw e;
            }
            return run(key, work, new Origin(request.commit(), request.url(), request.contextDir()), request.timeout(), true, log);
        });
    }

    /**
     * Builds a working tree unless a tree with the same contents has been built. The tree is copied first and the key
     * taken from the copy, so an edit made meanwhile goes into the next build, not half into this one.
     *
     * @param request what to build
     * @param log where output and progress go
     * @return the build, its {@code commit} {@code tree:<digest>}; fails with {@link HostBuildException}
     */
    public CompletableFuture<HostBuild> buildTree(TreeRequest request, BuildLog log) {
        Path snapshot;
        String key;
        String digest;
        try {
            snapshot = Files.createDirectories(config.cacheDir().resolve("work")).resolve("tree-" + java.util.UUID.randomUUID());
            log.progress("source", "copying " + request.project());
            WorkingTree.copy(request.project(), snapshot.resolve("src"));
            digest = WorkingTree.digest(snapshot.resolve("src"));
            key = BuildKey.of("tree:" + digest, "", request.spec(), BuilderVersion.CURRENT);
            strategy(snapshot.resolve("src"), request.spec());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new HostBuildException("SourcePreparationFailed", "cannot read " + request.project() + ": "
                    + e.getMessage(), List.of(), e));
        } catch (HostBuildException e) {
            return CompletableFuture.failedFuture(e);
        }
        HostBuild done = cached(key);
        if (done != null) {
            deleteQuietly(snapshot);
            return CompletableFuture.completedFuture(done);
        }
        CompletableFuture<HostBuild> build = queue.submit(key, () -> {
            HostBuild again = cached(key);
            return again != null ? again : run(key, snapshot, new Origin("tree:" + digest, request.project().toString(), ""), request.timeout(), false, log);
        });
        // A request that joined a running build for the same key leaves its own copy unused.
        return build.whenComplete((b, e) -> deleteQuietly(snapshot));
    }

    /**
     * @param key a build key
     * @return the finished build for that key, or null
     */
    public HostBuild cached(String key) {
        Path dir = buildDir(key);
        Path result = dir.resolve(RESULT);
        if (!Files.isRegularFile(result)) {
            return null;
        }
        try {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(result)) {
                p.load(in);
            }
            Path appDir = dir.resolve("app");
            String archive = p.getProperty("archive", "");
            return new HostBuild(key, p.getProperty("commit"), appDir, classPath(appDir), p.getProperty("mainClass"),
                    archive.isEmpty() ? null : appDir.resolve(archive), classesOf(dir), logFile(key), Duration.ZERO, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + result, e);
        }
    }

    /** Where a build's sources came from, as {@code build.properties} records it. */
    private record Origin(String commit, String url, String contextDir) {
    }

    /** A clean work directory for a key (sources go to {@code src/}). */
    private Path work(String key) throws IOException {
        Path work = Files.createDirectories(config.cacheDir().resolve("work")).resolve(key);
        deleteTree(work);
        return work;
    }

    private HostBuild run(String key, Path work, Origin origin, Duration requestedTimeout, boolean train, BuildLog log)
            throws HostBuildException, IOException, InterruptedException {
        long started = System.nanoTime();
        Path logFile = logFile(key);
        Files.createDirectories(logFile.getParent());
        try (Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            Path src = work.resolve("src");
            Duration timeout = requestedTimeout == null ? Duration.ofMinutes(10) : requestedTimeout;
            long deadline = System.nanoTime() + timeout.toNanos();
            maven(src, out, log, timeout);
            Path built = src.resolve("target/kiln");
            if (!Files.isRegularFile(built.resolve(JvmCommand.APP_JAR)) || !Files.isDirectory(built.resolve("lib"))) {
                throw new HostBuildException("BuildFailed", "target/kiln/app.jar beside target/kiln/lib/ is missing: "
                        + "package the function as templates/java-function does (app.jar beside lib/)", List.of(), null);
            }
            // The function moves to its final place before training: a class archive (AppCDS, AOT cache) records
            // the class path it was trained with, and maps only into a JVM started with the same paths.
            Path dir = buildDir(key);
            Files.createDirectories(dir.getParent());
            deleteTree(dir);
            Files.createDirectories(dir);
            Path appDir = dir.resolve("app");
            Files.move(built, appDir);
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new HostBuildException("BuildTimedOut", "the build took longer than " + timeout.toSeconds()
                        + "s (spec.build.timeout) before training started", List.of(), null);
            }
            Path archive = train ? train(appDir, out, log, left) : null;
            if (!train && Files.isDirectory(src.resolve("target/classes"))) {
                Files.move(src.resolve("target/classes"), dir.resolve(CLASSES));
            }
            String mainClass = mainClass(appDir.resolve(JvmCommand.APP_JAR));
            Properties p = new Properties();
            p.setProperty("commit", origin.commit());
            p.setProperty("url", origin.url());
            p.setProperty("contextDir", origin.contextDir() == null ? "" : origin.contextDir());
            p.setProperty("mainClass", mainClass);
            p.setProperty("archive", archive == null ? "" : archive.getFileName().toString());
            // The result file is written last, atomically: until it exists, the key counts as not built (cached()).
            Path staged = work.resolve(RESULT);
            try (var w = Files.newBufferedWriter(staged)) {
                p.store(w, "Kiln host build " + key);
            }
            Files.move(staged, dir.resolve(RESULT), StandardCopyOption.ATOMIC_MOVE);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            log.progress("done", "built " + origin.commit().substring(0, Math.min(12, origin.commit().length())) + " in " + took.toMillis() + " ms");
            Path finalApp = dir.resolve("app");
            return new HostBuild(key, origin.commit(), finalApp, classPath(finalApp), mainClass,
                    archive == null ? null : finalApp.resolve(archive.getFileName()), classesOf(dir), logFile, took, false);
        } finally {
            deleteTree(work);
        }
    }

    private void prepare(Request request, Path src, BuildLog log) throws HostBuildException {
        log.progress("source", "fetching " + request.url() + " at " + request.commit());
        try {
            GitCredentials credentials = request.credentials() == null ? GitCredentials.NONE : request.credentials();
            sources.export(sources.fetch(request.url(), request.commit(), credentials), request.contextDir(), src);
        } catch (SourceException e) {
            throw new HostBuildException(e.reason().name(), e.getMessage(), List.of(), e);
        }
        strategy(src, request.spec());
    }

    /** Local mode builds Maven functions only: anything else fails before Maven runs. */
    private static void strategy(Path src, BuildSpec spec) throws HostBuildException {
        Strategy strategy;
        try {
            strategy = Strategy.detect(src, spec);
        } catch (IllegalArgumentException e) {
            throw new HostBuildException("SourcePreparationFailed", e.getMessage(), List.of(), e);
        }
        if (strategy != Strategy.MAVEN) {
            throw new HostBuildException("StrategyNotSupported", "local mode builds Maven functions on this machine; "
                    + "the dockerfile strategy needs a container builder (deploy to a cluster, where Kaniko builds it)",
                    List.of(), null);
        }
    }

    private void maven(Path src, Writer out, BuildLog log, Duration timeout) throws HostBuildException, IOException, InterruptedException {
        MavenCommand maven = config.maven();
        Map<String, String> base = new java.util.HashMap<>(System.getenv());
        base.putAll(config.env());
        Map<String, String> env = new java.util.HashMap<>(config.env());
        env.putAll(MavenCommand.environment(base));
        requireSupportedMaven(env);
        boolean askForProcessors = MavenCommand.needsProcessorsAsked(base);
        log.progress("maven", "mvn package (offline)");
        java.util.concurrent.atomic.AtomicBoolean missing = new java.util.concurrent.atomic.AtomicBoolean();
        LoggedProcess.Result offline = LoggedProcess.run(
                maven.packageCommand(true, config.tailRepositories(), config.localRepository(), askForProcessors), src, env,
                timeout, out, line -> {
                    onMavenLine(line, log);
                    if (MavenCommand.missingOffline(line)) {
                        missing.set(true);
                    }
                });
        if (offline.succeeded()) {
            return;
        }
        if (offline.timedOut()) {
            throw timedOut(timeout, offline);
        }
        if (!missing.get()) {
            throw failed(offline, src);
        }
        log.progress("maven", "mvn package (online: dependencies missing from the local repository)");
        LoggedProcess.Result online = LoggedProcess.run(
                maven.packageCommand(false, config.tailRepositories(), config.localRepository(), askForProcessors), src, env,
                timeout, out, line -> onMavenLine(line, log));
        if (online.timedOut()) {
            throw timedOut(timeout, online);
        }
        if (!online.succeeded()) {
            throw failed(online, src);
        }
    }

    /** A failed Maven run: its exit code, then the compiler's errors when there are any, with file and line. */
    private static HostBuildException failed(LoggedProcess.Result result, Path src) {
        List<String> errors = MavenCommand.compileErrors(result.tail(), src);
        return new HostBuildException("BuildFailed", "mvn package failed (exit " + result.exitCode() + ")"
                + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)), result.tail(), null);
    }

    private void requireSupportedMaven(Map<String, String> env) throws HostBuildException, InterruptedException {
        if (mavenVersion != null) {
            return;
        }
        try {
            mavenVersion = config.maven().requireSupported(env);
        } catch (IllegalStateException e) {
            throw new HostBuildException("MavenNotSupported", e.getMessage(), List.of(), null);
        } catch (IOException e) {
            throw new HostBuildException("MavenNotSupported", "cannot run " + String.join(" ", config.maven().executable()) + ": " + e.getMessage()
                    + "; set " + MavenCommand.ENV + " to Maven " + MavenCommand.OLDEST + " or later", List.of(), e);
        }
    }

    private static void onMavenLine(String line, BuildLog log) {
        log.line(line);
        MavenProgress.step(line).ifPresent(step -> log.progress("maven", step));
    }

    private static HostBuildException timedOut(Duration timeout, LoggedProcess.Result result) {
        return new HostBuildException("BuildTimedOut", "the build took longer than " + timeout.toSeconds()
                + "s (spec.build.timeout) and was stopped", result.tail(), null);
    }

    private Path train(Path appDir, Writer out, BuildLog log, Duration timeout) throws HostBuildException, IOException, InterruptedException {
        JavaRuntime runtime = config.runtime();
        if (config.trainingRounds() <= 0 || runtime.archiveKind() == ArchiveKind.NONE) {
            return null;
        }
        log.progress("train", "training the " + (runtime.archiveKind() == ArchiveKind.AOT_CACHE ? "AOT cache" : "AppCDS archive")
                + " for Java " + runtime.feature());
        LoggedProcess.Result result = LoggedProcess.run(JvmCommand.train(runtime, appDir, config.trainingRounds()),
                appDir, config.env(), timeout, out, log::line);
        Path archive = JvmCommand.archive(runtime, appDir);
        if (!result.succeeded() || !Files.isRegularFile(archive)) {
            throw new HostBuildException("TrainingFailed", "the function did not start and serve its warm-up event in "
                    + "training mode" + (result.timedOut() ? " before the build's timeout" : " (exit " + result.exitCode() + ")")
                    + "; run it locally with java -jar target/kiln/app.jar to see why", result.tail(), null);
        }
        return archive;
    }

    private static String mainClass(Path appJar) throws IOException {
        try (JarFile jar = new JarFile(appJar.toFile())) {
            Manifest manifest = jar.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
            if (main == null) {
                throw new IOException(appJar + " has no Main-Class in its manifest");
            }
            return main;
        }
    }

    private static List<Path> classPath(Path appDir) throws IOException {
        Path appJar = appDir.resolve(JvmCommand.APP_JAR);
        List<Path> jars = new ArrayList<>();
        jars.add(appJar);
        try (JarFile jar = new JarFile(appJar.toFile())) {
            Manifest manifest = jar.getManifest();
            String cp = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp != null) {
                for (String entry : cp.trim().split("\\s+")) {
                    jars.add(appDir.resolve(entry));
                }
            }
        }
        return List.copyOf(jars);
    }

    private static Path classesOf(Path buildDir) {
        Path classes = buildDir.resolve(CLASSES);
        return Files.isDirectory(classes) ? classes : null;
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // a leftover copy under work/ is deleted with the next build of its key, or by hand
        }
    }

    private Path buildDir(String key) {
        return config.cacheDir().resolve("builds").resolve(key);
    }

    private Path logFile(String key) {
        return config.cacheDir().resolve("logs").resolve(key + ".log");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
