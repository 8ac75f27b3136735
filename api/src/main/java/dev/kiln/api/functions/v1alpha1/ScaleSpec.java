package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Autoscaling of a Function, copied to Knative's autoscaling annotations in cluster mode. A setting left unset is not
 * written: the cluster's Knative defaults apply ({@link KnativeDefaults} in local mode).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleSpec {

    /** Fewest instances kept running (unset: the cluster's default, Knative's is 0: scale to zero when idle). */
    public Integer min;

    /** Most instances, 0 for no limit (unset: the cluster's default, Knative's is 0; local mode caps it at 4). */
    public Integer max;

    /** Concurrent requests per instance that the autoscaler aims for (unset: the cluster's default, Knative's is 100). */
    public Integer target;

    /**
     * Hard limit of concurrent requests per instance, 0 for none; at most 1000 (unset: the cluster's default, Knative's
     * is 0).
     */
    public Integer containerConcurrency;

    /**
     * How long the last idle instance is kept before scaling to zero, at most 1h (unset: the cluster's default,
     * Knative's is 0s, after its 60s stable window; local mode keeps an idle instance 60s).
     */
    public String retention;
}
