package dev.kiln.local;

import dev.kiln.local.manifests.Manifest;
import dev.kiln.local.manifests.ManifestException;
import dev.kiln.local.worktree.TreeWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Keeps the running manifests in step with their files: every {@code .yaml}/{@code .yml} under what {@code kiln dev}
 * was given (and a function project's {@code pom.xml}) is watched, and {@value #QUIET_MS} ms after the last change
 * they are read again and applied. An edit that does not load (a parse or validation error, or an environment that
 * does not resolve) changes nothing: its problems, by file, document and field path, are logged and kept
 * ({@link #refused}) until an edit loads. Reloads run one at a time, on a thread of their own.
 */
final class ManifestWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ManifestWatch.class.getName());

    /** How long the manifests must be quiet before an edit is read: an editor's save is a few events. */
    static final long QUIET_MS = 100;

    /** Applies manifests read again. */
    interface Apply {
        /**
         * @param manifests the manifests, validated
         * @throws IllegalArgumentException listing what does not resolve (the first line a summary)
         * @throws Exception when they cannot be applied
         */
        void apply(List<Manifest> manifests) throws Exception;
    }

    private final Path target;
    private final Callable<List<Manifest>> load;
    private final Apply apply;
    private final ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-dev-reload");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile List<String> refused = List.of();
    private AutoCloseable watch;

    private ManifestWatch(Path target, Callable<List<Manifest>> load, Apply apply) {
        this.target = target;
        this.load = load;
        this.apply = apply;
    }

    /**
     * @param watcher the platform's file watcher
     * @param dir what {@code kiln dev} was given: a directory, a project, or one file
     * @param load reads the manifests again (the same way as at start)
     * @param apply applies them
     * @return the watch, started
     * @throws IOException when it cannot be watched
     */
    static ManifestWatch start(TreeWatcher watcher, Path dir, Callable<List<Manifest>> load, Apply apply) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        ManifestWatch w = new ManifestWatch(target, load, apply);
        w.watch = watcher.watch(Files.isDirectory(target) ? target : target.getParent(), changed -> {
            if (relevant(target, changed) && w.scheduled.compareAndSet(false, true)) {
                w.reloads.schedule(w::reload, QUIET_MS, TimeUnit.MILLISECONDS);
            }
        });
        return w;
    }

    /**
     * @param target what {@code kiln dev} was given
     * @param changed a path that changed under it
     * @return whether the change may change the manifests: a manifest, a {@code pom.xml}, a directory (a new one may
     *     hold manifests), or the file given itself
     */
    static boolean relevant(Path target, Path changed) {
        if (!Files.isDirectory(target)) {
            return changed.equals(target);
        }
        String name = changed.getFileName() == null ? "" : changed.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("pom.xml") || Files.isDirectory(changed);
    }

    /** Reads the manifests again and applies them, or keeps why not. */
    void reload() {
        scheduled.set(false);
        try {
            apply.apply(load.call());
            refused = List.of();
        } catch (ManifestException e) {
            refuse(e.problems());
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage().lines().skip(1).map(String::strip).toList());
        } catch (Exception e) {
            refuse(List.of(String.valueOf(e.getMessage())));
        }
    }

    private void refuse(List<String> problems) {
        refused = List.copyOf(problems);
        LOG.warning("the edited manifests are not applied (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "); still running the last valid ones:\n  " + String.join("\n  ", problems));
    }

    /** @return what is watched: the directory or file {@code kiln dev} was given */
    Path target() {
        return target;
    }

    /** @return the problems of the last edit when it was refused, else empty */
    List<String> refused() {
        return refused;
    }

    @Override
    public void close() {
        reloads.shutdownNow();
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.fine("manifest watch close: " + e.getMessage());
            }
        }
    }
}
