package dev.kiln.api.functions.v1alpha1;

/**
 * Kiln's own defaults of a Function, applied in memory (never written back to the user's object). Applying them twice
 * changes nothing more. Scale and timeout settings have none here: Knative has its own, which a cluster's operator may
 * change ({@link KnativeDefaults}), so an unset one stays unset and Kiln never writes a value nobody asked for.
 */
public final class FunctionDefaults {

    /** Revision built when none is given. */
    public static final String REVISION = "main";
    /** Dockerfile path used by the dockerfile strategy. */
    public static final String DOCKERFILE = "Dockerfile";
    /** Longest build. */
    public static final String BUILD_TIMEOUT = "15m";

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
    }
}
