package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** How a Function's source becomes an image. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSpec {

    /** Strategy value: pick {@code dockerfile} or {@code maven} from what the source contains. */
    public static final String AUTO = "auto";
    /** Strategy value: a Maven project that uses the Kiln function SDK. */
    public static final String MAVEN = "maven";
    /** Strategy value: build the Dockerfile in the context directory. */
    public static final String DOCKERFILE = "dockerfile";

    /** auto (default), maven or dockerfile. */
    public String strategy;

    /** Path of the Dockerfile relative to the context directory (default: Dockerfile). */
    public String dockerfile;

    /**
     * Image repository to push to, without tag or digest. Default: the Function's own path under the installation's
     * registry, {@code <registry>/<namespace>/<name>}; a cluster refuses any repository outside that path.
     */
    public String image;

    /** Secret of type kubernetes.io/dockerconfigjson with credentials for the image registry. */
    public LocalObjectReference pushSecretRef;

    /** Longest time a build may take (default: 15m). */
    public String timeout;
}
