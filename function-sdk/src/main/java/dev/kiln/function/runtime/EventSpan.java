package dev.kiln.function.runtime;

/** One event's span (see {@link Spans}); names no OpenTelemetry type. */
interface EventSpan {

    /** @return the span as a {@code traceparent}: the event the function sees, and its reply, carry it */
    String traceparent();

    /**
     * Ends the span.
     *
     * @param status the HTTP status the event got
     * @param error why it failed, or null
     */
    void end(int status, String error);
}
