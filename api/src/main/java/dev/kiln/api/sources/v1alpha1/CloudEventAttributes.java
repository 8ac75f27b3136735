package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A type and source pair that a source emits, so triggers can be written against it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CloudEventAttributes {

    /** CloudEvent type, e.g. dev.knative.source.github.push. */
    public String type;

    /** CloudEvent source, e.g. https://github.com/acme/greeter. */
    public String source;

    /** Creates an empty pair, for Jackson. */
    public CloudEventAttributes() {
    }

    /**
     * @param type the CloudEvent type
     * @param source the CloudEvent source
     */
    public CloudEventAttributes(String type, String source) {
        this.type = type;
        this.source = source;
    }
}
