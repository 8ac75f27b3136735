package dev.kiln.local.worktree;

import dev.kiln.builder.host.WorkingTree;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Watches directory trees (the JDK's {@code WatchService}: inotify on Linux) and says which tree changed; what
 * changed is found by the caller comparing the files' contents, so editors' temporary files, renames and lost events
 * (an overflow) all come down to "look again". Directories created later are watched as they appear; what a build
 * ignores ({@link WorkingTree#ignored}: {@code target/}, hidden directories) is not watched.
 */
public final class TreeWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TreeWatcher.class.getName());

    private record Watched(Path root, Path dir, Runnable onChange) {
    }

    private final WatchService service;
    private final Map<WatchKey, Watched> keys = new ConcurrentHashMap<>();
    private final Thread thread;

    /** @throws IOException when the file system cannot watch */
    public TreeWatcher() throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::loop, "kiln-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param root a directory tree
     * @param onChange called (on the watcher's thread: return quickly) after anything in it changed
     * @return stops watching this tree
     * @throws IOException when it cannot be watched
     */
    public AutoCloseable watch(Path root, Runnable onChange) throws IOException {
        register(root, root, onChange);
        return () -> keys.entrySet().removeIf(e -> {
            if (e.getValue().root().equals(root) && e.getValue().onChange() == onChange) {
                e.getKey().cancel();
                return true;
            }
            return false;
        });
    }

    private void register(Path root, Path start, Runnable onChange) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (WorkingTree.ignored(root.relativize(dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                keys.put(key, new Watched(root, dir, onChange));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            Watched w = keys.get(key);
            boolean relevant = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                if (w == null) {
                    continue;
                }
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    relevant = true;
                    continue;
                }
                Path child = w.dir().resolve((Path) event.context());
                if (WorkingTree.ignored(w.root().relativize(child))) {
                    continue;
                }
                relevant = true;
                if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child)) {
                    try {
                        register(w.root(), child, w.onChange());
                    } catch (IOException e) {
                        LOG.warning("cannot watch " + child + ": " + e.getMessage());
                    }
                }
            }
            if (!key.reset()) {
                keys.remove(key);
            }
            if (relevant && w != null) {
                w.onChange().run();
            }
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
