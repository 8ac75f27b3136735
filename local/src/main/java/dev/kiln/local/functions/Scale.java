package dev.kiln.local.functions;

import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.api.validation.GoDurations;
import java.time.Duration;

/**
 * A function's scaling in local mode, from {@code spec.scale} as Knative reads it.
 *
 * @param min instances kept running even when idle ({@code scale.min}; 0 scales to zero)
 * @param max the most instances ({@code scale.max}; {@link #DEFAULT_MAX} when unset: one machine, not a cluster)
 * @param target in-flight requests per instance above which another instance starts ({@code scale.target})
 * @param hardLimit in-flight requests an instance may get at most ({@code containerConcurrency}; 0: no limit)
 * @param retention how long an idle instance above {@code min} stays ({@code scale.retention})
 */
public record Scale(int min, int max, int target, int hardLimit, Duration retention) {

    /** The most instances of one function when {@code scale.max} is unset. */
    public static final int DEFAULT_MAX = 4;

    /** @param spec the Function's scale settings, defaults applied (or null) @return the local scaling */
    public static Scale of(ScaleSpec spec) {
        ScaleSpec s = spec == null ? new ScaleSpec() : spec;
        int min = s.min == null ? 0 : s.min;
        int max = s.max == null || s.max == 0 ? Math.max(DEFAULT_MAX, min) : s.max;
        return new Scale(min, max, s.target == null ? FunctionDefaults.TARGET : s.target,
                s.containerConcurrency == null ? 0 : s.containerConcurrency,
                GoDurations.parse(s.retention == null ? FunctionDefaults.RETENTION : s.retention));
    }
}
