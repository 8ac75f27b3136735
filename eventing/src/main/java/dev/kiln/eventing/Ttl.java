package dev.kiln.eventing;

import dev.kiln.eventing.journey.DeliveryTrace;
import dev.kiln.eventing.journey.TraceContext;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * Loop protection ({@code knativebrokerttl}, eventing {@code pkg/broker/ttl.go}): ingress starts the count at
 * 255 or decrements it; at 0 the event is dropped. It is removed before delivery to a subscriber and put back
 * on the subscriber's reply.
 */
final class Ttl {

    static final String EXTENSION = "knativebrokerttl";
    static final int MAX = 255;

    private Ttl() {
    }

    /**
     * @return the hop count the event should carry after this ingress; 0 or less means drop
     * @throws IllegalArgumentException for a counter that is not an integer: resetting it would defeat the
     *     loop protection, so ingress refuses the event instead
     */
    static int next(CloudEvent event) {
        Object value = event.getExtension(EXTENSION);
        return value == null ? MAX : of(event) - 1;
    }

    static CloudEvent with(CloudEvent event, int ttl) {
        return CloudEventBuilder.from(event).withExtension(EXTENSION, ttl).build();
    }

    static CloudEvent strip(CloudEvent event) {
        return event.getExtension(EXTENSION) == null ? event : CloudEventBuilder.from(event).withoutExtension(EXTENSION).build();
    }

    /**
     * @param event an event about to be delivered
     * @param trace its delivery's journey, or null
     * @return the event without its hop count and, when traced, carrying the delivery's span: one rebuild for both
     */
    static CloudEvent strip(CloudEvent event, DeliveryTrace trace) {
        if (trace == null) {
            return strip(event);
        }
        return CloudEventBuilder.from(event).withoutExtension(EXTENSION).withExtension(TraceContext.TRACEPARENT, trace.traceparent()).build();
    }

    static int of(CloudEvent event) {
        Object value = event.getExtension(EXTENSION);
        if (value == null) {
            return MAX;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EXTENSION + " must be an integer, got \"" + value + "\"");
        }
    }
}
