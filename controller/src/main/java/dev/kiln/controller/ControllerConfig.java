package dev.kiln.controller;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * The installation's choices (the {@code kiln-controller} ConfigMap, as {@code KILN_*} environment variables):
 * where images go and which images build and run things. Every image is pinned by digest; the controller refuses
 * to start otherwise.
 */
@ConfigMapping(prefix = "kiln")
public interface ControllerConfig {

    /** @return the registry and path functions are pushed under, e.g. {@code registry.example.com/kiln} */
    String registry();

    /** @return the build settings */
    Build build();

    /** @return the event-source settings */
    Sources sources();

    /**
     * @return the Git URL schemes Functions may use: {@code https} and {@code ssh} (with scp-like {@code user@host:path})
     *     unless the operator allows more, e.g. {@code http} for a Git server inside the cluster. {@code file} reads the
     *     controller's own file system, its Git cache included, so it is never allowed by default
     *     ({@code KILN_GIT_SCHEMES}, comma-separated)
     */
    @WithDefault("https,ssh")
    List<String> gitSchemes();

    /**
     * @return the Secret the kubelet pulls Kiln's own images with, where they are in a registry that wants credentials
     *     (a private ghcr.io package): put on the build Jobs (Kiln's builder, and Kaniko) and the source adapters, so it
     *     must exist in every namespace with Functions or sources, as the push Secret; the controller's own Deployment
     *     gets it from the installation (kustomize/components/image-pull-secret) ({@code KILN_IMAGE_PULL_SECRET})
     */
    Optional<String> imagePullSecret();

    /** @return where the controller keeps its Git cache (commit resolution and strategy detection) */
    @WithDefault("/tmp/kiln-git")
    String gitCache();

    /** Build settings. */
    interface Build {
        /** @return the Kaniko executor (a maintained fork), pinned by digest */
        String executorImage();

        /** @return the image that runs {@code kiln-builder prepare}, pinned by digest */
        String builderImage();

        /** @return the maven strategy's build image (Maven 3.9+ with a JDK 17+), pinned by digest */
        String mavenImage();

        /** @return the image functions run on (a JRE 17+: the class archive is trained for its JVM at build time), pinned by digest */
        String runtimeImage();

        /** @return how long finished build Jobs stay for their logs */
        @WithDefault("86400")
        int ttlSecondsAfterFinished();

        /** @return the Kaniko container's CPU request (its limit is twice that) */
        @WithDefault("1")
        String cpu();

        /** @return the Kaniko container's memory request and limit */
        @WithDefault("2Gi")
        String memory();

        /** @return the dockerconfigjson Secret used when a Function names none */
        Optional<String> pushSecret();

        /**
         * @return registries Kaniko reaches over plain HTTP, {@code host[:port]}, comma-separated (e.g. a kind
         *     cluster's local registry, {@code kind-registry:5000}); every other registry is reached over TLS
         */
        Optional<List<String>> insecureRegistries();
    }

    /** Event-source settings. */
    interface Sources {
        /** @return the image that runs {@code kiln-event-sources <kind>}, pinned by digest */
        String adapterImage();
    }
}
