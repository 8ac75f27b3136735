package dev.kiln.eventing;

import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bounded queue with its own concurrency limit: one per Trigger, Sequence and Parallel, so a slow or dead
 * subscriber fills only its own lane (then ingress answers 429) and never blocks the others. Events in a
 * lane are delivered concurrently, so per-trigger order is not kept (as in Knative's MT broker).
 */
final class Lane {

    private static final Logger LOG = Logger.getLogger(Lane.class.getName());

    private final int capacity;
    private final int concurrency;
    private final Function<CloudEvent, Future<?>> handler;
    private final Queue<CloudEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    Lane(int capacity, int concurrency, Function<CloudEvent, Future<?>> handler) {
        this.capacity = capacity;
        this.concurrency = concurrency;
        this.handler = handler;
    }

    /** Holds a place for one event; the caller must {@link #enqueue} or {@link #release} it. */
    boolean reserve() {
        while (true) {
            int n = reserved.get();
            if (n >= capacity) {
                return false;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        reserved.decrementAndGet();
    }

    /** Queues an event for which a place was reserved. */
    void enqueue(CloudEvent event) {
        queue.add(event);
        pump();
    }

    private void pump() {
        while (true) {
            int running = inFlight.get();
            if (running >= concurrency) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            CloudEvent next = queue.poll();
            if (next == null) {
                inFlight.decrementAndGet();
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            Future<?> done;
            try {
                done = handler.apply(next);
            } catch (RuntimeException e) {
                // Handlers report delivery failures in their outcome; an exception here is a bug, so say so loudly.
                LOG.log(Level.SEVERE, "delivery of event " + next.getId() + " failed unexpectedly; the event is lost", e);
                done = Future.failedFuture(e);
            }
            done.onComplete(ar -> {
                reserved.decrementAndGet();
                inFlight.decrementAndGet();
                pump();
            });
        }
    }
}
