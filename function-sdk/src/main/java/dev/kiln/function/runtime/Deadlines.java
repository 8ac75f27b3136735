package dev.kiln.function.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Enforces invocation deadlines while the function runs inline on the request's own thread.
 *
 * <p>Why not hand each invocation to an executor and wait with a timeout: that costs a second thread
 * hand-off per request, which measured at ~40% of the SDK's throughput on a 2-core machine (bench/). One
 * watchdog thread is enough instead: at the deadline it interrupts the running call and lets the caller
 * answer 504 at once, even if the function ignores the interrupt.
 */
final class Deadlines implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    /** Creates the watchdog; its one daemon thread starts with the first deadline. */
    Deadlines() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kiln-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // finished calls leave nothing queued
    }

    /**
     * Starts watching the current thread's call.
     *
     * @param timeout how long the call may run
     * @param onExpiry runs on the watchdog thread if the deadline passes first, after the call's thread was
     *     interrupted (e.g. to answer 504 without waiting for the function)
     * @return the call, to {@link Call#finish() finish} when the function returns
     */
    Call watch(Duration timeout, Runnable onExpiry) {
        Call call = new Call(Thread.currentThread(), onExpiry);
        call.timer = timer.schedule(call::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return call;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One watched call: finishes once, either by returning or by expiring. */
    static final class Call {
        private final Thread thread;
        private final Runnable onExpiry;
        private ScheduledFuture<?> timer;
        private boolean done;
        private boolean expired;

        private Call(Thread thread, Runnable onExpiry) {
            this.thread = thread;
            this.onExpiry = onExpiry;
        }

        private void expire() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                expired = true;
                // Under the lock, so the interrupt cannot land after finish() cleared it and leak into the
                // thread's next request.
                thread.interrupt();
            }
            onExpiry.run();
        }

        /**
         * Ends the call on its own thread.
         *
         * @return false if the deadline passed first (the interrupt it raised is cleared)
         */
        boolean finish() {
            timer.cancel(false);
            synchronized (this) {
                if (!expired) {
                    done = true;
                    return true;
                }
            }
            Thread.interrupted();
            return false;
        }
    }
}
