package dev.kiln.api.functions.v1alpha1;

import java.time.Duration;

/**
 * Knative Serving's documented defaults for the settings a Function may leave unset (knative-v1.22.0,
 * {@code config/core/configmaps/autoscaler.yaml} and {@code defaults.yaml}, {@code pkg/apis/config/defaults.go}).
 *
 * <p>In a cluster Kiln leaves an unset setting unset on the Knative Service, so the cluster's own
 * {@code config-autoscaler} and {@code config-defaults} apply (and their limits, such as {@code max-scale-limit},
 * are not broken by a value nobody asked for). Local mode has no Knative: where it needs a value, it takes these,
 * here and nowhere else.
 */
public final class KnativeDefaults {

    /** Fewest instances ({@code config-autoscaler} {@code min-scale}): scale to zero. */
    public static final int MIN_SCALE = 0;
    /** Most instances ({@code config-autoscaler} {@code max-scale}): 0, no limit. */
    public static final int MAX_SCALE = 0;
    /** Concurrent requests per instance the autoscaler aims for ({@code container-concurrency-target-default}). */
    public static final int TARGET = 100;
    /** Hard limit of concurrent requests per instance ({@code config-defaults} {@code container-concurrency}): 0, none. */
    public static final int CONTAINER_CONCURRENCY = 0;
    /** Request timeout in seconds ({@code config-defaults} {@code revision-timeout-seconds}). */
    public static final int TIMEOUT_SECONDS = 300;
    /**
     * How long the autoscaler averages load before it scales down ({@code config-autoscaler} {@code stable-window}).
     * With the default {@code scale-to-zero-pod-retention-period} of 0s an idle pod goes after about this long, so
     * local mode keeps an idle instance this long when {@code spec.scale.retention} is unset.
     */
    public static final Duration STABLE_WINDOW = Duration.ofSeconds(60);

    private KnativeDefaults() {
    }

    /**
     * @param spec a Function's spec
     * @return its request timeout in seconds, Knative's default when unset
     */
    public static int timeoutSeconds(FunctionSpec spec) {
        return spec.timeoutSeconds == null ? TIMEOUT_SECONDS : spec.timeoutSeconds;
    }
}
