package dev.kiln.function.testing;

import io.cloudevents.CloudEvent;

/**
 * What delivering one event to a function ended with, as the HTTP runtime would answer it.
 *
 * @param status the HTTP status: 200 with a reply, 202 without one, 400 for data that does not bind or an
 *     event the function rejected, 404 for an event type the function does not accept, 415 for a data
 *     content type a typed function cannot read, 500 when the function failed, 504 past the deadline
 * @param reply the reply event, for 200; null otherwise
 * @param message what went wrong, for 4xx and 5xx (the body HTTP would send); null otherwise
 */
public record Outcome(int status, CloudEvent reply, String message) {
}
