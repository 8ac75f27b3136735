package dev.kiln.eventing.journey;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * Links a reply to the event it answers with the CloudEvents correlation extension: {@code causationid} is the id of
 * the event that caused it, {@code correlationid} the id of the first event of the chain (carried on from the cause,
 * or the cause's own id). What a function set itself is kept. Done for every reply, journeys or not: the link is part
 * of the event, for whoever reads it later.
 */
public final class Causation {

    /** The id of the event that caused this one. */
    public static final String CAUSATION_ID = "causationid";
    /** The id shared by every event of one chain. */
    public static final String CORRELATION_ID = "correlationid";

    private Causation() {
    }

    /**
     * @param reply a reply
     * @param cause the event it answers
     * @return the reply with {@code causationid} and {@code correlationid} (unchanged when it has both)
     */
    public static CloudEvent link(CloudEvent reply, CloudEvent cause) {
        boolean hasCausation = reply.getExtension(CAUSATION_ID) != null;
        boolean hasCorrelation = reply.getExtension(CORRELATION_ID) != null;
        if (hasCausation && hasCorrelation) {
            return reply;
        }
        CloudEventBuilder b = CloudEventBuilder.from(reply);
        if (!hasCausation) {
            b.withExtension(CAUSATION_ID, cause.getId());
        }
        if (!hasCorrelation) {
            Object chain = cause.getExtension(CORRELATION_ID);
            b.withExtension(CORRELATION_ID, chain != null ? chain.toString() : cause.getId());
        }
        return b.build();
    }
}
