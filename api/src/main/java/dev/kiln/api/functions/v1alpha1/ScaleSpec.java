package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Autoscaling of a Function, copied to Knative's autoscaling annotations in cluster mode. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleSpec {

    /** Fewest instances kept running (default 0: scale to zero when idle). */
    public Integer min;

    /** Most instances (default 0: no limit in a cluster; local mode caps it at 4). */
    public Integer max;

    /** Concurrent requests per instance that the autoscaler aims for (default 100). */
    public Integer target;

    /** Hard limit of concurrent requests per instance (default 0: no limit; at most 1000). */
    public Integer containerConcurrency;

    /** How long the last idle instance is kept before scaling to zero (default 60s; at most 1h). */
    public String retention;
}
