package dev.kiln.http;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP attempt, judged: its status, what came back, and whether it counts as accepted.
 *
 * @param status the HTTP status, or 0 when there was no response (connection refused, reset, timeout)
 * @param body the response body (empty or null when none)
 * @param reply the CloudEvent the receiver replied with, or null
 * @param error why the attempt failed without a status, or why a 2xx was not acceptable, else null
 * @param retryAfter the response's {@code Retry-After}, or null
 */
public record Attempt(int status, byte[] body, CloudEvent reply, String error, Duration retryAfter) {

    /**
     * The default judgement: a 2xx is accepted, whatever its body; anything else failed.
     *
     * @param answer how the POST ended
     * @return the attempt
     */
    public static Attempt of(CloudEventPoster.Exchange answer) {
        if (answer.error() != null) {
            return new Attempt(0, new byte[0], null, answer.error(), null);
        }
        return new Attempt(answer.status(), answer.body(), null, null, Retries.retryAfter(answer.headers().get("Retry-After")));
    }

    /** @return whether the receiver accepted the event */
    public boolean succeeded() {
        return status >= 200 && status < 300 && error == null;
    }

    /** @return a one-line description for logs: the error, or the status and the start of the body */
    public String describe() {
        return error != null ? error : "status " + status + (body == null || body.length == 0 ? ""
                : ": " + new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8).trim());
    }
}
