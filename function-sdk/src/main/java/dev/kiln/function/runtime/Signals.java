package dev.kiln.function.runtime;

/**
 * SIGTERM handling through {@code sun.misc.Signal}: a JVM shutdown hook would make the process exit 143,
 * while Knative and {@code kiln dev} expect a drained function to exit 0.
 */
final class Signals {

    private Signals() {
    }

    /**
     * @param handler what to run, on a new non-daemon thread, when SIGTERM arrives
     * @return whether the handler was installed
     */
    static boolean onTerm(Runnable handler) {
        try {
            OnTerm.install(handler);
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return false;
        }
    }

    /** A class, not a lambda: a lambda's first use spins a class, on a cold start's path (issue 22). */
    private static final class OnTerm implements sun.misc.SignalHandler {
        private final Runnable handler;

        OnTerm(Runnable handler) {
            this.handler = handler;
        }

        /**
         * Here, not in {@link Signals#onTerm}: passing an {@code OnTerm} where a {@code SignalHandler} is expected makes
         * the verifier load {@code sun.misc.SignalHandler} when it links the calling class, so on a runtime without
         * {@code jdk.unsupported} {@code onTerm} itself would fail to link instead of reporting false.
         */
        static void install(Runnable handler) {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), new OnTerm(handler));
        }

        @Override
        public void handle(sun.misc.Signal signal) {
            // Not a daemon (the signal dispatcher is one, and threads inherit it): once drain stops the server's
            // threads, a daemon drain thread would let the JVM exit before the close hook and the last log line ran.
            Thread drain = new Thread(handler, "kiln-drain");
            drain.setDaemon(false);
            drain.start();
        }
    }
}
