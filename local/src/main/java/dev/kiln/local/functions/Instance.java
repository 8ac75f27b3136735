package dev.kiln.local.functions;

import java.time.Instant;

/**
 * One child JVM serving a function on a loopback port. Its counters are guarded by the pool that owns it.
 */
final class Instance {

    private final Process process;
    private final int port;
    private final Instant started;
    /** Requests proxied to it and not answered yet. */
    int inFlight;
    /** When it last finished a request (or became ready). */
    Instant lastUsed;
    /** Set once the pool decided to stop it: it takes no new requests. */
    boolean stopping;

    Instance(Process process, int port, Instant started) {
        this.process = process;
        this.port = port;
        this.started = started;
        this.lastUsed = started;
    }

    Process process() {
        return process;
    }

    int port() {
        return port;
    }

    Instant started() {
        return started;
    }

    /** Asks the function to drain and exit (SIGTERM): the SDK finishes what is in flight first. */
    void stop() {
        stopping = true;
        process.destroy();
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + " on port " + port;
    }
}
