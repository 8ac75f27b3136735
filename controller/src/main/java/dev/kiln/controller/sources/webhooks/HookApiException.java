package dev.kiln.controller.sources.webhooks;

/** A forge's API refused or failed a hook request: the status and the forge's own message. */
public final class HookApiException extends Exception {

    private final int status;

    /**
     * @param status the HTTP status, or 0 when the API could not be reached
     * @param message what was asked and what the API answered
     */
    public HookApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status, or 0 when the API could not be reached */
    public int status() {
        return status;
    }

    /** @return whether the hook (or the repository) does not exist */
    public boolean notFound() {
        return status == 404;
    }

    /** @return whether asking again later may succeed (unreachable, rate limited, a server error) */
    public boolean transientFailure() {
        return status == 0 || status == 429 || status >= 500;
    }
}
