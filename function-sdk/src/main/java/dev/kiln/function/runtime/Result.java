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
record Result(int status, CloudEvent reply, String message) {

    static Result reply(CloudEvent reply) {
        return new Result(200, reply, null);
    }

    static Result noReply() {
        return new Result(202, null, null);
    }

    static Result error(int status, String message) {
        return new Result(status, null, message);
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
