package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Extension attributes that a source adds to every event it sends, as Knative's {@code ceOverrides}.
 * Core attributes (id, source, type...) cannot be overridden.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CloudEventOverrides {

    /** Extension name (lowercase letters and digits) to value. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public Map<String, String> extensions = new LinkedHashMap<>();
}
