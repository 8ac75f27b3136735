package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.CloudEventOverrides;
import dev.kiln.api.duck.Destination;

/** What every source has: where its events go and the extensions added to them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceSpec {

    /** Where events are sent: a Broker, a Function, a Knative Service, a Sequence... or a URI. */
    public Destination sink;

    /** Extension attributes added to every event. */
    public CloudEventOverrides ceOverrides;
}
