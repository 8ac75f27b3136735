package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.Addressable;
import dev.kiln.api.duck.Status;

/**
 * The observed state of a Function. Conditions: SourceResolved, BuildSucceeded, ServiceReady and Ready,
 * which holds when the other three do.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionStatus extends Status {

    /** The commit that the revision resolved to. */
    public String commit;

    /** The image that runs, pinned by digest: repository@sha256:... */
    public String image;

    /** The latest build. */
    public BuildStatus build;

    /** Public URL of the function. */
    public String url;

    /** Cluster-internal address of the function, so a Function can be an event sink. */
    public Addressable address;
}
