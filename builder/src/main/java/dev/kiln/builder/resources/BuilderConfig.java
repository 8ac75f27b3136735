package dev.kiln.builder.resources;

import dev.kiln.builder.plan.MavenDockerfile;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the cluster's installation decides about builds (the controller's ConfigMap): images pinned by digest,
 * never hard-coded in the code path.
 *
 * @param executorImage the Kaniko executor (a maintained fork; upstream is archived), pinned by digest
 * @param builderImage the image that runs {@code kiln-builder prepare}, pinned by digest
 * @param ttlSecondsAfterFinished how long finished Jobs stay for their logs
 * @param resources requests and limits of the build's containers (Kaniko, and the init container that prepares its
 *     context)
 * @param baseImages the bases of the Dockerfile generated for the {@code maven} strategy
 * @param insecureRegistries registries Kaniko reaches over plain HTTP ({@code host[:port]}, Kaniko's
 *     {@code --insecure-registry}), for pushes, base images and the layer cache: a kind cluster's local registry
 * @param imagePullSecret the Secret, in the Function's namespace, the kubelet pulls the build's images with (Kiln's
 *     builder, and Kaniko) when they are in a registry that wants credentials, or null ({@code KILN_IMAGE_PULL_SECRET})
 */
public record BuilderConfig(String executorImage, String builderImage, int ttlSecondsAfterFinished, ResourceRequirements resources,
        MavenDockerfile.BaseImages baseImages, List<String> insecureRegistries, String imagePullSecret) {

    /** A registry as Kaniko names one: a host, and a port if not the default; no scheme, no path. */
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");

    /** @throws IllegalArgumentException when an insecure registry is not a {@code host[:port]} */
    public BuilderConfig {
        insecureRegistries = List.copyOf(insecureRegistries);
        for (String r : insecureRegistries) {
            if (!REGISTRY.matcher(r).matches()) {
                throw new IllegalArgumentException("KILN_BUILD_INSECURE_REGISTRIES: '" + r + "' is not a registry's host[:port] (e.g. kind-registry:5000)");
            }
        }
    }

    /** Every image pulled without credentials. */
    public BuilderConfig(String executorImage, String builderImage, int ttlSecondsAfterFinished, ResourceRequirements resources,
            MavenDockerfile.BaseImages baseImages, List<String> insecureRegistries) {
        this(executorImage, builderImage, ttlSecondsAfterFinished, resources, baseImages, insecureRegistries, null);
    }

    /** Every registry over TLS, every image pulled without credentials. */
    public BuilderConfig(String executorImage, String builderImage, int ttlSecondsAfterFinished, ResourceRequirements resources,
            MavenDockerfile.BaseImages baseImages) {
        this(executorImage, builderImage, ttlSecondsAfterFinished, resources, baseImages, List.of());
    }

    /**
     * @param secret the Secret the kubelet pulls the build's images with, or null
     * @return this configuration with it
     */
    public BuilderConfig withImagePullSecret(String secret) {
        return new BuilderConfig(executorImage, builderImage, ttlSecondsAfterFinished, resources, baseImages, insecureRegistries, secret);
    }

    /**
     * The Kaniko container's resources: the CPU request and a limit of twice that (a build is bursty: Maven and
     * the layer snapshots use all the CPU they get, and the request keeps builds from crowding a node); the memory
     * request equal to its limit, so a build is never the first to be evicted under memory pressure.
     *
     * @param cpu the CPU request, a Kubernetes quantity such as {@code 1} or {@code 500m}
     * @param memory the memory request and limit, such as {@code 2Gi}
     * @return the requirements
     * @throws IllegalArgumentException when a quantity does not parse
     */
    public static ResourceRequirements kanikoResources(String cpu, String memory) {
        Quantity cpuRequest = Quantity.parse(cpu);
        Quantity cpuLimit = new Quantity(new BigDecimal(cpuRequest.getAmount()).multiply(BigDecimal.valueOf(2)).stripTrailingZeros().toPlainString(),
                cpuRequest.getFormat());
        Quantity mem = Quantity.parse(memory);
        return new ResourceRequirementsBuilder().addToRequests("cpu", cpuRequest).addToRequests("memory", mem)
                .addToLimits("cpu", cpuLimit).addToLimits("memory", mem).build();
    }
}
