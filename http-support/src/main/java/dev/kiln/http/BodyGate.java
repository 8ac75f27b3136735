package dev.kiln.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads request bodies from senders nobody vouched for yet, under limits that hold whatever they send: every
 * server of Kiln that takes bodies from the network (the webhook adapters, the broker ingress) reads through one.
 * Vert.x's own {@code request.body()} buffers a body of any size, so the limits are enforced here, while it
 * arrives:
 * <ul>
 * <li>a {@code Content-Length} over the largest body, or over what may be held at all, is refused with 413 before
 *     a byte is read;</li>
 * <li>past {@code maxConcurrent} requests (being read or being answered), 429 with {@code Retry-After};</li>
 * <li>the bytes of all bodies held at once are bounded by {@code maxHeldBytes}: a body reserves its
 *     {@code Content-Length} up front (chunked ones reserve chunk by chunk) and gives it back when its answer has
 *     been sent; 429 with {@code Retry-After} when the reservation does not fit now. Bodies over
 *     {@link #SMALL_BODY_BYTES} may use only three quarters of it, so a flood of large bodies cannot starve the
 *     small deliveries that real webhooks and events are;</li>
 * <li>a sender that has not sent its whole body within {@code bodyTimeout} gets 408.</li>
 * </ul>
 * Each refusal closes the connection, so the rest of a refused body is never read. A body with a known length is
 * collected into one array of that length, without further copies.
 */
public final class BodyGate {

    /** Bodies up to this size may use the whole held budget; larger ones three quarters of it. */
    public static final long SMALL_BODY_BYTES = 256 << 10;

    /**
     * The limits.
     *
     * @param maxBodyBytes the largest body accepted (413 above it)
     * @param maxHeldBytes the bytes of all bodies held at once
     * @param maxConcurrent the requests being read or answered at once (429 past it)
     * @param bodyTimeout how long a sender has to send its whole body once its headers arrived (408 past it)
     */
    public record Limits(long maxBodyBytes, long maxHeldBytes, int maxConcurrent, Duration bodyTimeout) {

        /** Checks the limits are usable. */
        public Limits {
            if (maxBodyBytes < 1 || maxHeldBytes < 1 || maxConcurrent < 1 || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
                throw new IllegalArgumentException("body limits must be positive: " + maxBodyBytes + ", " + maxHeldBytes
                        + ", " + maxConcurrent + ", " + bodyTimeout);
            }
        }

        /**
         * The default held budget: an eighth of the heap. A held body costs several times its size before it is
         * answered (its array, the JSON tree parsed from it, the copy the sender writes), so a larger share lets a
         * few large bodies exhaust a small heap.
         *
         * @return the budget for this JVM
         */
        public static long heldBytesForThisHeap() {
            return Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 8);
        }

        /** @return the largest body that can be accepted at all: the smaller of the body limit and the held budget for a large body */
        public long largestAcceptable() {
            return Math.min(maxBodyBytes, Math.max(SMALL_BODY_BYTES, largeBudget()));
        }

        long largeBudget() {
            return maxHeldBytes - maxHeldBytes / 4;
        }
    }

    /** A complete body, handed over once the last byte arrived. */
    public interface Receiver {

        /**
         * Called on the request's event loop. The request's reservation is given back when its response ends or
         * its connection closes, so the receiver must answer.
         *
         * @param body the whole body
         */
        void complete(byte[] body);
    }

    private final Vertx vertx;
    private final Limits limits;
    private final AtomicLong held = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Consumer<String> refusals;

    /**
     * @param vertx for the body timers
     * @param limits the limits
     * @param refusals told the reason of each refusal ({@code too_large}, {@code busy}, {@code timeout}), for metrics
     */
    public BodyGate(Vertx vertx, Limits limits, Consumer<String> refusals) {
        this.vertx = vertx;
        this.limits = limits;
        this.refusals = refusals;
    }

    /** @return the limits in force */
    public Limits limits() {
        return limits;
    }

    /** @return the bytes of bodies held now */
    public long heldBytes() {
        return held.get();
    }

    /** @return the requests admitted and not yet answered */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Reads {@code req}'s body under the limits, or answers the refusal itself.
     *
     * @param req the request, its body not read yet
     * @param observer sees each chunk as it arrives (e.g. to compute an HMAC while streaming), or null
     * @param receiver gets the whole body
     */
    public void read(HttpServerRequest req, Consumer<Buffer> observer, Receiver receiver) {
        long declared = contentLength(req);
        if (declared == -2) {
            refuse(req, 400, "bad_request", "Content-Length is not a number", false);
            return;
        }
        if (declared > limits.largestAcceptable()) {
            refuse(req, 413, "too_large", tooLarge(), false);
            return;
        }
        if (inFlight.incrementAndGet() > limits.maxConcurrent()) {
            inFlight.decrementAndGet();
            refuse(req, 429, "busy", "too many requests at once (" + limits.maxConcurrent() + "); retry later", true);
            return;
        }
        Reading reading = new Reading(req, declared, observer, receiver);
        if (declared >= 0 && !reading.reserve(declared)) {
            reading.release();
            refuse(req, 429, "busy", "too many bytes held at once; retry later", true);
            return;
        }
        reading.start();
    }

    private String tooLarge() {
        return limits.largestAcceptable() < limits.maxBodyBytes()
                ? "payload larger than " + limits.largestAcceptable() + " bytes, what this server may hold at once (its heap is "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)"
                : "payload larger than " + limits.maxBodyBytes() + " bytes";
    }

    private void refuse(HttpServerRequest req, int status, String reason, String message, boolean retryLater) {
        refusals.accept(reason);
        answerAndClose(req, status, message, retryLater);
    }

    /**
     * Answers without reading the body, and closes the connection so the body is never read: how a server refuses
     * what the headers alone decided (a missing signature, an unsupported content type).
     *
     * @param req the request
     * @param status the status
     * @param message the plain-text answer
     * @param retryLater whether to add {@code Retry-After: 1}
     */
    public static void answerAndClose(HttpServerRequest req, int status, String message, boolean retryLater) {
        HttpServerResponse response = req.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (retryLater) {
            response.putHeader("Retry-After", "1");
        }
        response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8");
        if (req.version() == HttpVersion.HTTP_2) {
            // One stream of a shared connection: ending the response resets the stream, and the other streams go on.
            response.end(message + "\n");
            return;
        }
        // HTTP/1: close, so the rest of the body is never read, and a client waiting on Expect: 100-continue gets
        // its answer instead of waiting.
        response.putHeader("Connection", "close").end(message + "\n").onComplete(v -> req.connection().close());
    }

    /** @return the declared length, -1 when there is none (chunked), -2 when it is malformed */
    private static long contentLength(HttpServerRequest req) {
        String value = req.getHeader("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            return n < 0 ? -2 : n;
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private final class Reading {

        private final HttpServerRequest req;
        private final Consumer<Buffer> observer;
        private final Receiver receiver;
        private Buffer growing;
        private int length;
        private long reserved;
        private long timer = -1;
        private boolean refused;
        private final AtomicBoolean released = new AtomicBoolean();

        Reading(HttpServerRequest req, long declared, Consumer<Buffer> observer, Receiver receiver) {
            this.req = req;
            this.observer = observer;
            this.receiver = receiver;
        }

        boolean reserve(long bytes) {
            long budget = reserved + bytes > SMALL_BODY_BYTES ? limits.largeBudget() : limits.maxHeldBytes();
            while (true) {
                long now = held.get();
                if (now + bytes > budget) {
                    return false;
                }
                if (held.compareAndSet(now, now + bytes)) {
                    reserved += bytes;
                    return true;
                }
            }
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                held.addAndGet(-reserved);
                inFlight.decrementAndGet();
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
            }
        }

        void start() {
            long declared = contentLength(req);
            byte[] into = declared >= 0 ? new byte[(int) declared] : null;
            if (into == null) {
                growing = Buffer.buffer();
            }
            HttpServerResponse response = req.response();
            response.endHandler(v -> release());
            response.closeHandler(v -> release());
            timer = vertx.setTimer(limits.bodyTimeout().toMillis(), t -> {
                timer = -1;
                fail(408, "timeout", "the body did not arrive within " + limits.bodyTimeout().toSeconds() + " s", false);
            });
            req.exceptionHandler(e -> release());
            req.handler(chunk -> {
                if (refused) {
                    return;
                }
                int n = chunk.length();
                if (into != null) {
                    if (length + n > into.length) {
                        fail(400, "bad_request", "the body is longer than its Content-Length", false);
                        return;
                    }
                    chunk.getBytes(0, n, into, length);
                } else {
                    if (length + (long) n > limits.maxBodyBytes()) {
                        fail(413, "too_large", tooLarge(), false);
                        return;
                    }
                    if (!reserve(n)) {
                        fail(429, "busy", "too many bytes held at once; retry later", true);
                        return;
                    }
                    growing.appendBuffer(chunk);
                }
                length += n;
                if (observer != null) {
                    observer.accept(chunk);
                }
            });
            req.endHandler(v -> {
                if (refused) {
                    return;
                }
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                    timer = -1;
                }
                receiver.complete(into != null ? into : growing.getBytes());
                growing = null;
            });
        }

        private void fail(int status, String reason, String message, boolean retryLater) {
            refused = true;
            growing = null;
            refuse(req, status, reason, message, retryLater);
            release();
        }
    }
}
