package dev.kiln.http;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.util.Base64;

/** The extensions Knative adds to an event it dead-letters; the payload is kept as it was. */
public final class DeadLetters {

    /** Longest {@code knativeerrordata}, in base64 characters. */
    static final int MAX_ERROR_DATA = 1024;

    private DeadLetters() {
    }

    /**
     * @param event the original event
     * @param destination the destination that failed: its URL, or its reference when it did not resolve
     * @param status the final attempt's status (0, a transport error, is recorded as 500)
     * @param body the final response's body, or null
     * @return the event with {@code knativeerrordest}, {@code knativeerrorcode} and {@code knativeerrordata}
     */
    public static CloudEvent annotate(CloudEvent event, String destination, int status, byte[] body) {
        CloudEventBuilder b = CloudEventBuilder.from(event)
                .withExtension("knativeerrordest", destination)
                .withExtension("knativeerrorcode", status == 0 ? 500 : status);
        if (body != null && body.length > 0) {
            String data = Base64.getEncoder().encodeToString(body);
            b.withExtension("knativeerrordata", data.length() > MAX_ERROR_DATA ? data.substring(0, MAX_ERROR_DATA) : data);
        }
        return b.build();
    }
}
