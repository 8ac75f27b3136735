package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** The default warm-up event: the first accepted type, and an empty payload of the input's kind. */
final class WarmupEvents {

    private WarmupEvents() {
    }

    static CloudEvent forInput(Type inputType, Set<String> acceptedTypes) {
        String type = acceptedTypes.isEmpty() ? "dev.kiln.warmup" : acceptedTypes.stream().sorted().findFirst().get();
        CloudEventBuilder b = CloudEventBuilder.v1().withId("kiln-warmup").withSource(URI.create("/kiln/warmup")).withType(type);
        if (inputType == byte[].class) {
            return b.withData("application/octet-stream", new byte[0]).build();
        }
        if (inputType == String.class) {
            return b.withData("text/plain", new byte[0]).build();
        }
        return b.withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }
}
