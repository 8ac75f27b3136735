package dev.kiln.function.runtime;

/**
 * SIGTERM handling through {@code sun.misc.Signal}: a JVM shutdown hook would make the process exit 143,
 * while Knative and {@code kiln dev} expect a drained function to exit 0.
 */
final class Signals {

    private Signals() {
    }

    /** @return whether the handler was installed */
    static boolean onTerm(Runnable handler) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                // Not a daemon (the signal dispatcher is one, and threads inherit it): once drain stops the server's
                // threads, a daemon drain thread would let the JVM exit before the close hook and the last log line ran.
                Thread drain = new Thread(handler, "kiln-drain");
                drain.setDaemon(false);
                drain.start();
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return false;
        }
    }
}
