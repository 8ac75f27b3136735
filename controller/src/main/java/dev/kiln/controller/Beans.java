package dev.kiln.controller;

import dev.kiln.api.validation.ValidationPolicy;
import dev.kiln.builder.git.GitSources;
import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.controller.functions.CommitResolver;
import dev.kiln.controller.functions.ImageRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The controller's shared objects, built once from its configuration. */
public class Beans {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Beans.class);

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    void registerKinds(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start, KubernetesClient client) {
        KilnKinds.register(client);
    }

    /** Before the operator starts (quarkus-operator-sdk starts it at LIBRARY_AFTER + 123), so the line precedes its failure. */
    void checkPrerequisites(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION)
            io.quarkus.runtime.StartupEvent start, KubernetesClient client) {
        ClusterPrerequisites.knativeServingMissing(client).ifPresent(LOG::error);
    }

    @Produces
    @Singleton
    CommitResolver commitResolver(ControllerConfig config, KubernetesClient client, Clock clock) {
        KilnKinds.register(client);
        return new CommitResolver(GitSources.shared(Path.of(config.gitCache())), client, clock);
    }

    @Produces
    @Singleton
    ImageRegistry imageRegistry(ControllerConfig config) {
        return new ImageRegistry(validationPolicy(config), config.build().pushSecret().orElse(null));
    }

    /** What Functions and sources may name in this cluster: {@link #validationPolicy(ControllerConfig)}. */
    @Produces
    @Singleton
    ValidationPolicy policy(ControllerConfig config) {
        return validationPolicy(config);
    }

    /**
     * What Functions may name in this cluster (Git URL schemes, images under their own path of the registry). Fails
     * the start-up on a scheme Kiln does not fetch from or a registry that is not a repository path.
     */
    static ValidationPolicy validationPolicy(ControllerConfig config) {
        try {
            return ValidationPolicy.cluster(config.gitSchemes(), config.registry(), GIT_SCHEMES_SETTING);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("KILN_GIT_SCHEMES=" + String.join(",", config.gitSchemes()) + ", KILN_REGISTRY=" + config.registry()
                    + ": " + e.getMessage() + " (kiln-config, kustomize/overlays/*/config.env)", e);
        }
    }

    /** Where an operator allows more Git URL schemes, as validation errors name it. */
    static final String GIT_SCHEMES_SETTING = "KILN_GIT_SCHEMES in kiln-config";

    /** Fails the start-up when an image is not pinned by digest. */
    @Produces
    @Singleton
    BuilderConfig builderConfig(ControllerConfig config) {
        ControllerConfig.Build build = config.build();
        pinned("KILN_BUILD_EXECUTOR_IMAGE", build.executorImage());
        pinned("KILN_BUILD_BUILDER_IMAGE", build.builderImage());
        pinned("KILN_BUILD_MAVEN_IMAGE", build.mavenImage());
        pinned("KILN_BUILD_RUNTIME_IMAGE", build.runtimeImage());
        pinned("KILN_SOURCES_ADAPTER_IMAGE", config.sources().adapterImage());
        return new BuilderConfig(build.executorImage(), build.builderImage(), build.ttlSecondsAfterFinished(),
                BuilderConfig.kanikoResources(build.cpu(), build.memory()),
                new MavenDockerfile.BaseImages(build.mavenImage(), build.runtimeImage()), build.insecureRegistries().orElse(List.of()),
                imagePullSecret(config));
    }

    /**
     * @return {@code KILN_IMAGE_PULL_SECRET}, or null; fails the start-up on a name no Secret can have (every build
     *     Job and adapter would be refused by the API server)
     */
    static String imagePullSecret(ControllerConfig config) {
        String name = config.imagePullSecret().orElse(null);
        if (name != null && (name.length() > 253 || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"))) {
            throw new IllegalArgumentException("KILN_IMAGE_PULL_SECRET=" + name + ": not a Secret's name (lower-case letters, digits, '-' and '.');"
                    + " set it in the kiln-config ConfigMap (kustomize/overlays/*/config.env)");
        }
        return name;
    }

    private static void pinned(String variable, String image) {
        if (!image.matches(".+@sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException(variable + "=" + image + ": images must be pinned by digest (name@sha256:<64 hex>);"
                    + " set it in the kiln-config ConfigMap (kustomize/overlays/*/config.env), e.g. from `crane digest <image:tag>`");
        }
    }

    /**
     * Leader election on the Lease {@code kiln-controller} in the controller's namespace. The operator SDK uses it in
     * the prod profile only, so tests and {@code quarkus dev} run without a Lease.
     */
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection() {
        return new LeaderElectionConfiguration("kiln-controller");
    }
}
