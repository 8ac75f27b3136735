package dev.kiln.function.runtime;

/** A request the runtime refuses before the function sees it, with the status and the reason. */
final class HttpError extends Exception {

    final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }
}
