package dev.kiln.builder.host;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs builds with a bound on how many run at once (a Maven build takes a core or two; ten at once on a laptop
 * only makes every one of them slow), and at most one build per key: asking again for a key that is building joins
 * the running build instead of starting a second one.
 */
public final class BuildQueue implements AutoCloseable {

    private final ExecutorService workers;
    private final Map<String, CompletableFuture<?>> running = new ConcurrentHashMap<>();

    /** @param maxConcurrent how many builds may run at once (at least 1) */
    public BuildQueue(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(maxConcurrent, r -> {
            Thread t = new Thread(r, "kiln-build-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param key the build key
     * @param build the build, run on a worker when one is free, unless a build for the key is already queued or
     *     running
     * @param <T> the result
     * @return the result of the build for this key
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> submit(String key, Callable<T> build) {
        return (CompletableFuture<T>) running.computeIfAbsent(key, k -> {
            CompletableFuture<T> result = new CompletableFuture<>();
            workers.execute(() -> {
                try {
                    result.complete(build.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                } finally {
                    running.remove(k, result);
                }
            });
            return result;
        });
    }

    /** @return how many keys are queued or building */
    public int inProgress() {
        return running.size();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
