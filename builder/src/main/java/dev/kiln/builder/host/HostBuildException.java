package dev.kiln.builder.host;

import java.util.List;

/**
 * A host build that did not produce a runnable function, with a reason a Function's status can carry and the end of
 * the build's log.
 */
public final class HostBuildException extends Exception {

    private final String reason;
    private final List<String> logTail;

    /**
     * @param reason a condition reason, e.g. {@code BuildFailed}
     * @param message what went wrong and what to do
     * @param logTail the last lines of the log (may be empty)
     * @param cause the underlying error, or null
     */
    public HostBuildException(String reason, String message, List<String> logTail, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.logTail = List.copyOf(logTail);
    }

    /** @return the condition reason */
    public String reason() {
        return reason;
    }

    /** @return the last lines of the build's log */
    public List<String> logTail() {
        return logTail;
    }
}
