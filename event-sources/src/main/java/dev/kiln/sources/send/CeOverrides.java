package dev.kiln.sources.send;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.duck.CloudEventOverrides;
import dev.kiln.sources.Env;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code K_CE_OVERRIDES}: extensions set on every event an adapter sends (Knative's source contract, JSON
 * {@code {"extensions":{"name":"value"}}}). Extension names follow the CloudEvents rule: lower-case letters
 * and digits.
 */
public final class CeOverrides {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> extensions;

    /** @param extensions name to value */
    public CeOverrides(Map<String, String> extensions) {
        this.extensions = Map.copyOf(extensions);
    }

    /** @return the overrides from {@code K_CE_OVERRIDES}; problems are recorded on {@code env} */
    public static CeOverrides from(Env env) {
        String raw = env.optional("K_CE_OVERRIDES", null);
        if (raw == null) {
            return new CeOverrides(Map.of());
        }
        Map<String, String> out = new LinkedHashMap<>();
        try {
            CloudEventOverrides parsed = JSON.readValue(raw, CloudEventOverrides.class);
            if (parsed.extensions != null) {
                parsed.extensions.forEach((k, v) -> {
                    if (k == null || !k.matches("[a-z0-9]+")) {
                        env.problem("K_CE_OVERRIDES: extension name '" + k + "' must be lower-case letters and digits");
                    } else {
                        out.put(k, v == null ? "" : v);
                    }
                });
            }
        } catch (Exception e) {
            env.problem("K_CE_OVERRIDES is not {\"extensions\":{...}} JSON: " + e.getMessage());
        }
        return new CeOverrides(out);
    }

    /** @return the event with every override set (an override replaces an extension of the same name) */
    public CloudEvent apply(CloudEvent event) {
        if (extensions.isEmpty()) {
            return event;
        }
        CloudEventBuilder b = CloudEventBuilder.v1(event);
        extensions.forEach(b::withExtension);
        return b.build();
    }
}
