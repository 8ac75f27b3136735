package dev.kiln.api.functions.v1alpha1;

/**
 * Defaults of a Function, applied in memory (never written back to the user's object). Applying them twice
 * changes nothing more.
 */
public final class FunctionDefaults {

    /** Revision built when none is given. */
    public static final String REVISION = "main";
    /** Dockerfile path used by the dockerfile strategy. */
    public static final String DOCKERFILE = "Dockerfile";
    /** Longest build. */
    public static final String BUILD_TIMEOUT = "15m";
    /** Concurrency target per instance, as Knative's default. */
    public static final int TARGET = 100;
    /** How long the last idle instance lives before scale to zero. */
    public static final String RETENTION = "60s";
    /** Request timeout in seconds, as Knative's default. */
    public static final int TIMEOUT_SECONDS = 300;

    private FunctionDefaults() {
    }

    /**
     * Applies the defaults.
     *
     * @param function the function to complete
     */
    public static void apply(Function function) {
        if (function.getSpec() == null) {
            function.setSpec(new FunctionSpec());
        }
        FunctionSpec spec = function.getSpec();
        if (spec.source != null && spec.source.git != null && spec.source.git.revision == null) {
            spec.source.git.revision = REVISION;
        }
        if (spec.build == null) {
            spec.build = new BuildSpec();
        }
        if (spec.build.strategy == null) {
            spec.build.strategy = BuildSpec.AUTO;
        }
        if (spec.build.dockerfile == null) {
            spec.build.dockerfile = DOCKERFILE;
        }
        if (spec.build.timeout == null) {
            spec.build.timeout = BUILD_TIMEOUT;
        }
        if (spec.scale == null) {
            spec.scale = new ScaleSpec();
        }
        ScaleSpec scale = spec.scale;
        if (scale.min == null) {
            scale.min = 0;
        }
        if (scale.max == null) {
            scale.max = 0;
        }
        if (scale.target == null) {
            scale.target = TARGET;
        }
        if (scale.containerConcurrency == null) {
            scale.containerConcurrency = 0;
        }
        if (scale.retention == null) {
            scale.retention = RETENTION;
        }
        if (spec.timeoutSeconds == null) {
            spec.timeoutSeconds = TIMEOUT_SECONDS;
        }
    }
}
