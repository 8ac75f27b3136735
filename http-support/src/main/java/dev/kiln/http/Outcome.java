package dev.kiln.http;

import io.cloudevents.CloudEvent;

/**
 * How a delivery ended, after every retry and the dead-letter step.
 *
 * @param delivered whether the receiver accepted the event
 * @param reply its reply event, or null
 * @param attempts how many attempts were made to the receiver
 * @param last the last attempt
 * @param deadLettered whether the event went to the dead-letter sink
 * @param deadLetterFailure why the dead-letter sink did not take it (it does not resolve, or failed too); null when it
 *     did, or when there is none
 */
public record Outcome(boolean delivered, CloudEvent reply, int attempts, Attempt last, boolean deadLettered, String deadLetterFailure) {

    /**
     * The outcome for a receiver that does not resolve to a URL: nothing was sent; the reason becomes the dead
     * letter's {@code knativeerrordata}.
     *
     * @param why why it does not resolve
     * @return a failed outcome without attempts
     */
    public static Outcome unresolved(String why) {
        byte[] body = why.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Outcome(false, null, 0, new Attempt(0, body, null, "the subscriber does not resolve: " + why, null), false, null);
    }

    /** @return whether the event was neither delivered nor dead-lettered */
    public boolean lost() {
        return !delivered && !deadLettered;
    }
}
