package dev.kiln.local.worktree;

import dev.kiln.api.validation.GoDurations;
import dev.kiln.builder.host.HostBuild;
import dev.kiln.builder.host.HostBuildException;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.builder.host.WorkingTree;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.functions.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Versions from a working tree, live: the first is a full Maven build of the tree as it is; then every save is a new
 * version, built the fast way when it can be.
 * <ul>
 *   <li>An edit under {@code src/main/java} or {@code src/main/resources} is compiled in this process against the
 *       already-resolved dependencies ({@link Incremental}), when a full compile here gave exactly Maven's classes
 *       ({@link CompileSettings}); the new version's JVM starts with the dependencies' class archive
 *       ({@link ClassesLaunch}).</li>
 *   <li>A change of {@code pom.xml}, {@code .mvn/} or another directory under {@code src/main} is a full build (the
 *       dependencies may have changed), and so is any edit when the fast way is not available.</li>
 *   <li>A version that does not compile or start leaves the previous one serving; the state says why, with the
 *       compiler's file and line.</li>
 * </ul>
 * Work for one function runs on one thread, one version at a time; saves made meanwhile are looked at together.
 */
public final class TreeFunction implements LocalFunction.Source {

    private static final Logger LOG = Logger.getLogger(TreeFunction.class.getName());
    /** How long a tree must be quiet after a change before it is read: an editor's save is a few events. */
    static final long QUIET_MS = 40;
    /** Rounds of the SDK's training mode for the dependencies' archive. */
    static final int TRAINING_ROUNDS = 30;
    private static final ScheduledExecutorService DEBOUNCE = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-tree-debounce");
        t.setDaemon(true);
        return t;
    });

    private final LocalFunction fn;
    private final Path project;
    private final HostBuilder builder;
    private final JavaRuntime java;
    private final Path dir;
    private final Path shared;
    private final ExecutorService worker;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AutoCloseable watch;

    // Touched by the worker thread only.
    private HostBuild base;
    private ClassesLaunch launch;
    private Incremental incremental;
    private Javac javac;
    private Path serving;
    private Map<Path, String> built = Map.of();
    private Map<Path, String> attempted;
    private int versions;

    /**
     * @param fn the function it deploys to
     * @param project the working tree (where its pom.xml is)
     * @param builder host builds
     * @param java the runtime instances run on
     * @param cache where working-tree versions are kept ({@code <cache>/<namespace>.<name>/}), the launcher jar and
     *     the archives
     * @param watcher tells when the tree changed
     * @throws IOException when the tree cannot be watched
     */
    public TreeFunction(LocalFunction fn, Path project, HostBuilder builder, JavaRuntime java, Path cache, TreeWatcher watcher) throws IOException {
        this.fn = fn;
        this.project = project;
        this.builder = builder;
        this.java = java;
        this.shared = cache;
        this.dir = cache.resolve(fn.function().getMetadata().getNamespace() + "." + fn.function().getMetadata().getName());
        CompileSettings.deleteTree(dir); // versions of an earlier run: none serves any more
        Files.createDirectories(dir);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kiln-tree-" + fn.id());
            t.setDaemon(true);
            return t;
        });
        this.watch = watcher.watch(project, changed -> changed());
    }

    @Override
    public CompletableFuture<Void> refresh() {
        return CompletableFuture.runAsync(this::check, worker);
    }

    /** From the watcher: look again once the tree has been quiet for a moment. */
    private void changed() {
        if (scheduled.compareAndSet(false, true)) {
            DEBOUNCE.schedule(() -> {
                scheduled.set(false);
                worker.execute(this::check);
            }, QUIET_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        try {
            Map<Path, String> now = scan(project);
            if (now.equals(attempted)) {
                return; // touched, not changed (or changed back to what was just tried)
            }
            attempted = now;
            Set<Path> changed = difference(built, now);
            boolean fast = base != null && incremental != null && changed.stream().allMatch(TreeFunction::compiledHere);
            if (fast) {
                edit(changed, now);
            } else {
                fullBuild(base == null ? "mvn package" : "mvn package (" + why(changed) + ")");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, fn.id() + ": " + e.getMessage(), e);
            fn.failed("BuildFailed", String.valueOf(e.getMessage()));
        }
    }

    private String why(Set<Path> changed) {
        if (incremental == null) {
            return "edits are built by Maven for this project";
        }
        return changed.stream().filter(p -> !compiledHere(p)).findFirst().map(p -> p + " changed").orElse("changed");
    }

    /** @return whether an edit of this file is compiled (or copied) in this process */
    static boolean compiledHere(Path relative) {
        return relative.startsWith(CompileSettings.JAVA) && relative.toString().endsWith(".java") || relative.startsWith(CompileSettings.RESOURCES);
    }

    /** @return whether a change of this file makes a new version: what Maven reads to package the function */
    static boolean buildInput(Path relative) {
        return relative.toString().equals("pom.xml") || relative.startsWith(".mvn") || relative.startsWith(Path.of("src", "main"));
    }

    private void fullBuild(String step) throws IOException {
        fn.building(step);
        Path snapshot = dir.resolve("snapshot");
        CompileSettings.deleteTree(snapshot);
        WorkingTree.copy(project, snapshot);
        try {
            var spec = fn.function().getSpec();
            HostBuild build;
            try {
                build = builder.buildTree(new HostBuilder.TreeRequest(snapshot, spec.build, GoDurations.parse(spec.build.timeout)),
                        Progress.to(fn)).join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                fn.failed(cause instanceof HostBuildException h ? h.reason() : "BuildFailed", cause.getMessage());
                return;
            }
            ClassesLaunch next = ClassesLaunch.of(java, build, shared.resolve("launcher"), shared.resolve("archives").resolve(build.key()));
            train(next, build.classes());
            String label = label();
            fn.deploy(new LocalFunction.Version(label, next.run(build.classes()), build.classes(), () -> {
            })).join();
            if (!label.equals(fn.serving())) {
                return; // it did not start; the state says why
            }
            base = build;
            launch = next;
            serving = build.classes();
            built = scan(snapshot);
            incremental = null;
            closeJavac();
            if (!Javac.available()) {
                LOG.info(fn.id() + ": edits will be built by Maven: this JVM has no Java compiler (a JRE)");
                return;
            }
            javac = new Javac();
            List<Path> jars = next.classPath().subList(0, next.classPath().size() - 1);
            Optional<CompileSettings> settings = CompileSettings.derive(javac, snapshot, build.classes(), jars, dir.resolve("scratch"),
                    why -> LOG.info(fn.id() + ": edits will be built by Maven: " + why));
            settings.ifPresent(s -> incremental = new Incremental(javac, project, jars, s));
        } finally {
            CompileSettings.deleteTree(snapshot);
        }
    }

    /** Trains the dependencies' archive once per build of the pom; a failure only costs the warm start. */
    private void train(ClassesLaunch next, Path classes) throws IOException {
        if (next.archive() == null || Files.isRegularFile(next.archive())) {
            return;
        }
        Files.createDirectories(next.archive().getParent());
        fn.building("train the dependencies' class archive");
        Path log = next.archive().resolveSibling("training.log");
        Process p = new ProcessBuilder(next.train(classes, TRAINING_ROUNDS)).directory(classes.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!Files.isRegularFile(next.archive())) {
            LOG.warning(fn.id() + ": no class archive for the dependencies (see " + log + "): versions start cold");
        }
    }

    private void edit(Set<Path> changed, Map<Path, String> now) throws IOException {
        long started = System.nanoTime();
        String label = label();
        Path version = dir.resolve(label);
        Path classes = version.resolve("classes");
        fn.building("compiling " + changed.size() + (changed.size() == 1 ? " change" : " changes"));
        Incremental.Result result = incremental.apply(serving, classes, changed);
        if (!result.ok()) {
            CompileSettings.deleteTree(version);
            fn.failed("CompileFailed", String.join("; ", result.errors().stream().map(TreeFunction::oneLine).limit(5).toList()));
            return;
        }
        long compiled = System.nanoTime();
        fn.deploy(new LocalFunction.Version(label, launch.run(classes), classes, () -> {
            try {
                CompileSettings.deleteTree(version);
            } catch (IOException e) {
                LOG.fine("cannot delete " + version + ": " + e.getMessage());
            }
        })).join();
        if (label.equals(fn.serving())) {
            incremental.accept(result);
            serving = classes;
            built = now;
            LOG.info(fn.id() + ": " + label + " serving: compiled " + result.compiled().size() + " file(s) in "
                    + (compiled - started) / 1_000_000 + " ms, started in " + (System.nanoTime() - compiled) / 1_000_000 + " ms");
        }
    }

    /**
     * @return a javac error on one line, for a status row: its detail lines (what symbol, where) in brackets, as
     *     {@code path:62:29: error: cannot find symbol (symbol: method languag(); location: variable hello of type Hello)}
     */
    static String oneLine(String error) {
        List<String> lines = error.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.size() <= 1) {
            return error.strip();
        }
        return lines.get(0) + " (" + String.join("; ", lines.subList(1, lines.size())).replaceAll("\\s+", " ") + ")";
    }

    private String label() {
        return "tree-" + (++versions);
    }

    /** @return a digest of every file that goes into a build, by path relative to the tree */
    static Map<Path, String> scan(Path tree) throws IOException {
        Map<Path, String> digests = new HashMap<>();
        byte[] buffer = new byte[8192];
        for (Path relative : WorkingTree.files(tree)) {
            if (!buildInput(relative)) {
                continue;
            }
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream in = Files.newInputStream(tree.resolve(relative))) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                continue; // deleted while read: its deletion is the next change
            }
            digests.put(relative, HexFormat.of().formatHex(sha.digest()));
        }
        return digests;
    }

    /** @return the files added, changed or removed from one scan to the next */
    static Set<Path> difference(Map<Path, String> before, Map<Path, String> after) {
        Set<Path> changed = new HashSet<>();
        after.forEach((p, d) -> {
            if (!d.equals(before.get(p))) {
                changed.add(p);
            }
        });
        before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(changed::add);
        return changed;
    }

    private void closeJavac() {
        if (javac != null) {
            try {
                javac.close();
            } catch (IOException e) {
                LOG.fine("javac close: " + e.getMessage());
            }
            javac = null;
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (Exception e) {
            LOG.fine("watch close: " + e.getMessage());
        }
        worker.shutdownNow();
        closeJavac(); // a compile still running fails: the function is going away
    }
}
