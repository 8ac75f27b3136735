package dev.kiln.eventing.delivery;

import io.cloudevents.CloudEvent;

/**
 * The outcome of one HTTP attempt.
 *
 * @param status the HTTP status, or 0 when there was no response (connection refused, reset, timeout)
 * @param body the response body (empty when none)
 * @param reply the CloudEvent the subscriber replied with, or null
 * @param error why the attempt failed without a status, or why a 2xx was not acceptable, else null
 * @param retryAfter the response's {@code Retry-After}, or null
 */
public record Attempt(int status, byte[] body, CloudEvent reply, String error, java.time.Duration retryAfter) {

    Attempt(int status, byte[] body, CloudEvent reply, String error) {
        this(status, body, reply, error, null);
    }

    /** @return whether the subscriber accepted the event */
    public boolean succeeded() {
        return status >= 200 && status < 300 && error == null;
    }
}
