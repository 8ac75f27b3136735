package dev.kiln.local.functions;

import dev.kiln.api.functions.v1alpha1.KnativeDefaults;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.api.validation.GoDurations;
import java.time.Duration;

/**
 * A function's scaling in local mode, from {@code spec.scale} as Knative reads it, with Knative's defaults
 * ({@link KnativeDefaults}) for what it leaves unset.
 *
 * @param min instances kept running even when idle ({@code scale.min}; 0 scales to zero)
 * @param max the most instances ({@code scale.max}; {@link #DEFAULT_MAX} when unset: one machine, not a cluster)
 * @param target in-flight requests per instance above which another instance starts ({@code scale.target})
 * @param hardLimit in-flight requests an instance may get at most ({@code containerConcurrency}; 0: no limit)
 * @param retention how long an idle instance above {@code min} stays ({@code scale.retention}; when unset, Knative's
 *     stable window, after which its autoscaler lets an idle pod go)
 */
public record Scale(int min, int max, int target, int hardLimit, Duration retention) {

    /** The most instances of one function when {@code scale.max} is unset. */
    public static final int DEFAULT_MAX = 4;

    /** @param spec the Function's scale settings (or null) @return the local scaling */
    public static Scale of(ScaleSpec spec) {
        ScaleSpec s = spec == null ? new ScaleSpec() : spec;
        int min = s.min == null ? KnativeDefaults.MIN_SCALE : s.min;
        int max = s.max == null ? KnativeDefaults.MAX_SCALE : s.max;
        return new Scale(min, max == 0 ? Math.max(DEFAULT_MAX, min) : max, s.target == null ? KnativeDefaults.TARGET : s.target,
                s.containerConcurrency == null ? KnativeDefaults.CONTAINER_CONCURRENCY : s.containerConcurrency,
                s.retention == null ? KnativeDefaults.STABLE_WINDOW : GoDurations.parse(s.retention));
    }
}
