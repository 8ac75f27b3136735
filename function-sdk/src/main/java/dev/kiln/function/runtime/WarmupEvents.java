package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.v1.CloudEventV1;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Set;

/** The default warm-up event: the first accepted type, and an empty payload of the input's kind. */
final class WarmupEvents {

    private WarmupEvents() {
    }

    static CloudEvent forInput(Binding.Kind input, Set<String> acceptedTypes) {
        String type = acceptedTypes.isEmpty() ? "dev.kiln.warmup" : first(acceptedTypes);
        String contentType;
        byte[] data;
        if (input == Binding.Kind.BYTES) {
            contentType = "application/octet-stream";
            data = new byte[0];
        } else if (input == Binding.Kind.TEXT) {
            contentType = "text/plain";
            data = new byte[0];
        } else {
            contentType = "application/json";
            data = "{}".getBytes(StandardCharsets.UTF_8);
        }
        // Made directly, as BinaryMode makes events: the SDK's builder would look its validators up on this cold path.
        return new CloudEventV1("kiln-warmup", URI.create("/kiln/warmup"), type, contentType, null, null, null,
                BytesCloudEventData.wrap(data), new HashMap<>());
    }

    /** @return the smallest type, so the choice does not depend on the set's order */
    private static String first(Set<String> types) {
        String first = null;
        for (String t : types) {
            if (first == null || t.compareTo(first) < 0) {
                first = t;
            }
        }
        return first;
    }
}
