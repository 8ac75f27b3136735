package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;

/**
 * What one invocation ended with: the HTTP status, the reply (200 only) and a message for errors.
 *
 * @param status HTTP status: 200 reply, 202 no reply, 400 bad payload, 404 type not accepted,
 *     415 unsupported data content type, 500 function error, 504 deadline exceeded
 * @param reply the reply event, when status is 200
 * @param message what went wrong, for 4xx and 5xx
 */
public record Outcome(int status, CloudEvent reply, String message) {

    static Outcome reply(CloudEvent reply) {
        return new Outcome(200, reply, null);
    }

    static Outcome noReply() {
        return new Outcome(202, null, null);
    }

    static Outcome error(int status, String message) {
        return new Outcome(status, null, message);
    }

    /** @return the metrics label of this outcome */
    String label() {
        return switch (status) {
            case 200, 202 -> "success";
            case 504 -> "timeout";
            case 500 -> "error";
            default -> "rejected";
        };
    }
}
