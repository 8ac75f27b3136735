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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Watches directory trees (the JDK's {@code WatchService}: inotify on Linux) and says what changed in which tree.
 * Callers look again at the files themselves, so editors' temporary files, renames and lost events (an overflow)
 * all come down to "look again". Directories created later are watched as they appear; what a build ignores
 * ({@link WorkingTree#ignored}: {@code target/} at a tree's top, hidden directories) is not watched. Trees may
 * overlap (a project's manifests and its working tree): every tree that holds a change hears of it.
 */
public final class TreeWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TreeWatcher.class.getName());

    /** One caller's tree. */
    private record Tree(Path root, Consumer<Path> onChange) {
    }

    private final WatchService service;
    private final Map<WatchKey, Path> dirs = new ConcurrentHashMap<>();
    private final List<Tree> trees = new CopyOnWriteArrayList<>();
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
     * @param onChange called with the path that changed (the root after lost events), on the watcher's thread:
     *     return quickly
     * @return stops telling this caller
     * @throws IOException when it cannot be watched
     */
    public AutoCloseable watch(Path root, Consumer<Path> onChange) throws IOException {
        Path normalized = root.toAbsolutePath().normalize();
        Tree tree = new Tree(normalized, onChange);
        trees.add(tree);
        register(normalized, normalized);
        return () -> trees.remove(tree);
    }

    private void register(Path root, Path start) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (WorkingTree.ignored(root.relativize(dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                // The same directory registered twice gives the same key: one key per directory, whoever asked.
                dirs.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY), dir);
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
            Path dir = dirs.get(key);
            for (WatchEvent<?> event : key.pollEvents()) {
                if (dir == null) {
                    continue;
                }
                Path changed = event.kind() == StandardWatchEventKinds.OVERFLOW ? dir : dir.resolve((Path) event.context());
                for (Tree tree : trees) {
                    if (!changed.startsWith(tree.root()) || WorkingTree.ignored(tree.root().relativize(changed))) {
                        continue;
                    }
                    if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(changed)) {
                        try {
                            register(tree.root(), changed);
                        } catch (IOException e) {
                            LOG.warning("cannot watch " + changed + ": " + e.getMessage());
                        }
                    }
                    tree.onChange().accept(changed);
                }
            }
            if (!key.reset()) {
                dirs.remove(key);
            }
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
