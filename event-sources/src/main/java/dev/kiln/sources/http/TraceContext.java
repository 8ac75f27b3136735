package dev.kiln.sources.http;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.util.Map;

/** W3C trace context on a webhook request becomes the CloudEvents distributed-tracing extension. */
public final class TraceContext {

    private TraceContext() {
    }

    /**
     * @param event the mapped event
     * @param headers the request's headers, by lower-case name
     * @return the event with {@code traceparent} (and {@code tracestate}) when the request carried them
     */
    public static CloudEvent carry(CloudEvent event, Map<String, String> headers) {
        String traceparent = headers.get("traceparent");
        if (traceparent == null) {
            return event;
        }
        CloudEventBuilder b = CloudEventBuilder.v1(event).withExtension("traceparent", traceparent);
        if (headers.get("tracestate") != null) {
            b.withExtension("tracestate", headers.get("tracestate"));
        }
        return b.build();
    }
}
