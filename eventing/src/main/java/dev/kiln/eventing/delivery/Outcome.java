package dev.kiln.eventing.delivery;

import io.cloudevents.CloudEvent;

/**
 * How a delivery ended, after every retry.
 *
 * @param delivered whether the subscriber accepted the event
 * @param reply its reply event, or null
 * @param attempts how many attempts were made
 * @param last the last attempt
 * @param deadLettered whether the event went to the dead-letter sink
 */
public record Outcome(boolean delivered, CloudEvent reply, int attempts, Attempt last, boolean deadLettered) {
}
