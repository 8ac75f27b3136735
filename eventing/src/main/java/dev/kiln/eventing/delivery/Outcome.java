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

    /**
     * The outcome for a subscriber that does not resolve to a URL: nothing was sent; the reason becomes the
     * dead letter's {@code knativeerrordata}.
     *
     * @param why why it does not resolve
     * @return a failed outcome without attempts
     */
    public static Outcome unresolved(String why) {
        byte[] body = why.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Outcome(false, null, 0, new Attempt(0, body, null, "the subscriber does not resolve: " + why), false);
    }
}
