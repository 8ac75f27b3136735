package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/** The desired state of a Function: where its code is, how to build it and how to run it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionSpec {

    /** Where the function's source code is. */
    public FunctionSource source;

    /** How to build the source into an image. */
    public BuildSpec build;

    /**
     * Environment variables of the function's container; PORT and K_* are reserved. valueFrom takes configMapKeyRef or
     * secretKeyRef: fieldRef, resourceFieldRef and fileKeyRef are refused, as Knative Serving refuses them by default.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<EnvVar> env = new ArrayList<>();

    /** CPU and memory requests and limits of the function's container; claims are refused, as Knative Serving refuses them. */
    public ResourceRequirements resources;

    /** Autoscaling: bounds, target concurrency and how long idle instances are kept. */
    public ScaleSpec scale;

    /**
     * Longest time one request may take, in seconds (1 to 600); past it the caller gets 504 (unset: the cluster's
     * default, Knative's is 300).
     */
    public Integer timeoutSeconds;
}
