package dev.kiln.api.sources.v1alpha1;

/** Names of the sources API group. */
public final class Sources {

    /** API group of the source kinds. */
    public static final String GROUP = "sources.kiln.dev";
    /** API version of the source kinds. */
    public static final String VERSION = "v1alpha1";
    /** {@code apiVersion} as written in manifests. */
    public static final String API_VERSION = GROUP + "/" + VERSION;

    private Sources() {
    }
}
