package dev.kiln.function;

/**
 * Thrown by a function for an event it can never handle (a required field missing, a value out of range).
 * The caller gets 400, which Knative's delivery does not retry: the event goes to the dead-letter sink at
 * once instead of being redelivered until retries run out, as it would with any other exception's 500.
 */
public class RejectedEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message why the event is refused; sent to the caller as the response body
     */
    public RejectedEventException(String message) {
        super(message);
    }
}
