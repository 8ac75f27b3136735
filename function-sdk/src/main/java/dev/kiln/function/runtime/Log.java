package dev.kiln.function.runtime;

/** One line per message on stderr: no logging framework on the cold-start path. */
final class Log {

    private Log() {
    }

    static void info(String message) {
        System.err.println("kiln-function INFO " + message);
    }

    static void warn(String message) {
        System.err.println("kiln-function WARN " + message);
    }
}
