package dev.kiln.function.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request threads: daemon platform threads, made on demand and kept 60 s when idle (a cached pool), so a
 * function that blocks does not hold up other requests.
 *
 * <p>Why not virtual threads on a JDK that has them: they cost every cold start, which scale to zero makes
 * user-visible, and buy nothing at a function's concurrency. Their first use starts the carrier pool, the socket
 * pollers and the unparker (more classes and threads, whose stacks and allocation buffers are resident memory),
 * and reaching {@code newVirtualThreadPerTaskExecutor} from code built for JDK 17 takes reflection, which on
 * JDK 18+ spins method handles on first use. Measured in {@code docs/benchmarks.md} (issue 22). A pod's
 * concurrency is bounded by Knative's (the autoscaler's target is 100 requests per instance by default), where a
 * thread per request is cheap.
 */
final class Threads {

    private static final long KEEP_ALIVE_SECONDS = 60;

    private Threads() {
    }

    static ExecutorService executor() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new Named());
    }

    /** A class, not a lambda: a lambda's first use bootstraps invokedynamic on the start-up path. */
    private static final class Named implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "kiln-function-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
