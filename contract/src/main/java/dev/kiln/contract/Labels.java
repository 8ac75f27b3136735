package dev.kiln.contract;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels and annotations Kiln puts on what it creates, once: the desired-object builders write them and the
 * controller's informers select on them, so a typo cannot make the controller blind to its own objects.
 */
public final class Labels {

    /** Kubernetes' recommended label naming the tool that manages an object. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** {@link #MANAGED_BY}'s value on everything Kiln creates. */
    public static final String KILN = "kiln";
    /** Kubernetes' recommended label naming an object's role. */
    public static final String COMPONENT = "app.kubernetes.io/component";
    /** {@link #COMPONENT} of a Function's build Job. */
    public static final String COMPONENT_BUILD = "build";
    /** {@link #COMPONENT} of a source's adapter Deployment and Service. */
    public static final String COMPONENT_SOURCE_ADAPTER = "source-adapter";

    /** The Function a build or a Knative Service belongs to. */
    public static final String FUNCTION = "kiln.dev/function";
    /** The commit a build builds (label) or a Knative Service runs (annotation). */
    public static final String COMMIT = "kiln.dev/commit";
    /** The build key: its first 63 characters as a label, the whole key as an annotation. */
    public static final String BUILD_KEY = "kiln.dev/build-key";
    /** On a Function: the commit a push asked for, so a push reconciles it. */
    public static final String REFRESH = "kiln.dev/refresh";
    /**
     * On a Function: any new value asks to build again a build that failed for the same inputs; without a change, a
     * failed build stays failed (even once its Job is gone).
     */
    public static final String REBUILD = "kiln.dev/rebuild";
    /**
     * On a build Job: the SHA-256 of the {@link #REBUILD} value it was asked for by (absent for a first build). The
     * Job's name holds only part of it; this tells a Job of the name that ran another request from this one's.
     */
    public static final String REBUILD_SHA256 = "kiln.dev/rebuild-sha256";
    /** The source an adapter belongs to. */
    public static final String SOURCE = "sources.kiln.dev/source";
    /** The adapter's kind (github, gitlab, kafka, cron). */
    public static final String SOURCE_KIND = "sources.kiln.dev/kind";

    private Labels() {
    }

    /**
     * @param component the object's role, e.g. {@link #COMPONENT_BUILD}, or null
     * @return {@code managed-by: kiln} and the component, in that order, ready for more labels
     */
    public static Map<String, String> managed(String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, KILN);
        if (component != null) {
            labels.put(COMPONENT, component);
        }
        return labels;
    }

    /**
     * @param component the role, or null for everything Kiln manages
     * @return the label selector matching {@link #managed(String)}
     */
    public static String selector(String component) {
        return MANAGED_BY + "=" + KILN + (component == null ? "" : "," + COMPONENT + "=" + component);
    }
}
