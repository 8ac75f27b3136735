package dev.kiln.local.functions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The instances of one function version, scaled as Knative's autoscaler and activator would on one machine:
 * <ul>
 *   <li><b>from zero</b>: a request with no instance starts one and waits for it;</li>
 *   <li><b>out</b>: when every instance has {@code target} requests in flight, another starts (up to {@code max});
 *       meanwhile requests go to the least-loaded instance, or wait when {@code containerConcurrency} is a hard
 *       limit;</li>
 *   <li><b>to zero</b>: an instance idle for {@code retention} stops, down to {@code min};</li>
 *   <li><b>replaced</b>: an instance that dies leaves the pool; what it had in flight fails (the caller answers 502,
 *       so the broker retries), and the next request starts a new one.</li>
 * </ul>
 * All state is guarded by this object's monitor; process starts and stops happen outside it.
 */
public final class InstancePool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InstancePool.class.getName());

    /** A request's hold on an instance; {@link #release()} exactly once. */
    public final class Lease {
        private final Instance instance;
        private boolean released;

        Lease(Instance instance) {
            this.instance = instance;
        }

        /** @return the instance's port on 127.0.0.1 */
        public int port() {
            return instance.port();
        }

        /** Returns the instance to the pool. */
        public void release() {
            synchronized (InstancePool.this) {
                if (released) {
                    return;
                }
                released = true;
                instance.inFlight--;
                instance.lastUsed = clock.instant();
            }
            dispatch();
        }
    }

    private final String name;
    private final Scale scale;
    private final Launcher launcher;
    private final Clock clock;
    private final ColdStarts coldStarts;
    private final List<Instance> ready = new ArrayList<>();
    private final Deque<CompletableFuture<Lease>> waiting = new ArrayDeque<>();
    private int starting;
    private boolean closed;
    private String lastFailure;

    /**
     * @param name the function, for logs
     * @param scale its scaling
     * @param launcher starts one instance
     * @param clock the time, for idleness
     */
    public InstancePool(String name, Scale scale, Launcher launcher, Clock clock) {
        this(name, scale, launcher, clock, new ColdStarts());
    }

    /**
     * @param name the function, for logs
     * @param scale its scaling
     * @param launcher starts one instance
     * @param clock the time, for idleness
     * @param coldStarts where each instance's start (launch to ready) is recorded, shared by the function's versions
     */
    public InstancePool(String name, Scale scale, Launcher launcher, Clock clock, ColdStarts coldStarts) {
        this.name = name;
        this.scale = scale;
        this.launcher = launcher;
        this.clock = clock;
        this.coldStarts = coldStarts;
    }

    /** Starts instances up to {@code min}. */
    public void warm() {
        int toStart;
        synchronized (this) {
            toStart = Math.max(0, scale.min() - ready.size() - starting);
            starting += toStart;
        }
        for (int i = 0; i < toStart; i++) {
            start();
        }
    }

    /** @return a lease on an instance, once one can take the request */
    public CompletableFuture<Lease> acquire() {
        CompletableFuture<Lease> lease = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                lease.completeExceptionally(new IllegalStateException(name + " is stopping"));
                return lease;
            }
            waiting.add(lease);
        }
        dispatch();
        return lease;
    }

    /**
     * Hands waiting requests to instances, and starts instances when they are needed. As Knative's activator with
     * a soft target: a request goes to the least-loaded instance even above the target (another one starts beside
     * it), and waits only when there is no instance yet or {@code containerConcurrency} is a hard limit.
     */
    private void dispatch() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty()) {
                Instance best = ready.stream().filter(i -> !i.stopping).min(Comparator.comparingInt(i -> i.inFlight)).orElse(null);
                boolean canGrow = ready.size() + starting < scale.max();
                boolean busy = best == null || best.inFlight >= scale.target();
                if (busy && canGrow && starting == 0) {
                    starting++;
                    after.add(this::start);
                }
                if (best == null || (scale.hardLimit() > 0 && best.inFlight >= scale.hardLimit())) {
                    break; // wait for an instance to start or to answer
                }
                CompletableFuture<Lease> next = waiting.poll();
                best.inFlight++;
                Lease lease = new Lease(best);
                after.add(() -> {
                    if (!next.complete(lease)) {
                        lease.release(); // the caller gave up while waiting
                    }
                });
            }
        }
        after.forEach(Runnable::run);
    }

    private void start() {
        long launched = System.nanoTime();
        launcher.launch().whenComplete((instance, failure) -> {
            if (failure == null) {
                coldStarts.record(java.time.Duration.ofNanos(System.nanoTime() - launched));
            }
            List<CompletableFuture<Lease>> failed = List.of();
            synchronized (this) {
                starting--;
                if (failure != null) {
                    lastFailure = failure.getMessage();
                    LOG.log(Level.WARNING, name + ": an instance did not start: " + failure.getMessage());
                    if (ready.isEmpty() && starting == 0) {
                        // Nothing will serve the waiting requests: fail them rather than hang them.
                        failed = new ArrayList<>(waiting);
                        waiting.clear();
                    }
                } else if (closed) {
                    instance.stop();
                    return;
                } else {
                    ready.add(instance);
                    instance.process().onExit().thenRun(() -> exited(instance));
                }
            }
            failed.forEach(f -> f.completeExceptionally(new IllegalStateException(name + " could not start: " + failure.getMessage())));
            dispatch();
        });
    }

    private void exited(Instance instance) {
        synchronized (this) {
            ready.remove(instance);
            if (!instance.stopping) {
                LOG.warning(name + ": instance " + instance + " exited with " + instance.process().exitValue() + "; the next request starts another");
            }
        }
        if (!closed) {
            warm();
            dispatch();
        }
    }

    /** Stops instances idle for longer than the retention, keeping {@code min}. Called periodically. */
    public void reap() {
        List<Instance> idle = new ArrayList<>();
        synchronized (this) {
            Instant cutoff = clock.instant().minus(scale.retention());
            int keep = ready.size();
            for (Instance i : ready) {
                if (keep > scale.min() && !i.stopping && i.inFlight == 0 && i.lastUsed.isBefore(cutoff)) {
                    i.stopping = true;
                    idle.add(i);
                    keep--;
                }
            }
        }
        idle.forEach(Instance::stop);
    }

    /** @return instances serving (not counting those starting or stopping) */
    public synchronized int size() {
        return (int) ready.stream().filter(i -> !i.stopping).count();
    }

    /** @return requests in flight over all instances */
    public synchronized int inFlight() {
        return ready.stream().mapToInt(i -> i.inFlight).sum();
    }

    /** @return why the last instance failed to start, or null */
    public synchronized String lastFailure() {
        return lastFailure;
    }

    /**
     * Drains: no new requests; each instance stops once its in-flight requests are answered (the SDK drains too).
     *
     * @param grace the longest wait before instances are killed
     * @return completes when every instance has exited
     */
    public CompletableFuture<Void> drain(Duration grace) {
        List<Instance> all;
        List<CompletableFuture<Lease>> failed;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(ready);
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        failed.forEach(f -> f.completeExceptionally(new IllegalStateException(name + " is stopping")));
        List<CompletableFuture<?>> exits = new ArrayList<>();
        for (Instance i : all) {
            // SIGTERM at once: the SDK answers what is in flight before it exits, and refuses what comes later.
            i.stop();
            exits.add(i.process().onExit().orTimeout(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(t -> {
                        i.process().destroyForcibly();
                        return i.process();
                    }));
        }
        return CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new));
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(10)).join();
    }
}
