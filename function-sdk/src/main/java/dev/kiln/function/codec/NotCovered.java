package dev.kiln.function.codec;

/**
 * Thrown by {@link JsonReader} and {@link JsonWriter} when a document or a value is outside what they handle
 * exactly as Jackson would: the runtime then binds the same bytes (or writes the same value) with Jackson, so
 * the outcome, success or error message, is Jackson's. Never seen by a function.
 *
 * <p>Without a stack trace: it is control flow, not a failure, and filling one in would cost more than the
 * fast path saves.
 */
final class NotCovered extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NotCovered(String why) {
        super(why, null, false, false);
    }
}
