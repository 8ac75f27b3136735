package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.Status;
import java.util.ArrayList;
import java.util.List;

/** The observed state of a source. Conditions: SinkProvided, Deployed and Ready (plus SecretsProvided for webhooks). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceStatus extends Status {

    /** The sink's resolved URL, where events are sent. */
    public String sinkUri;

    /** The event types and sources this source emits. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<CloudEventAttributes> ceAttributes = new ArrayList<>();
}
