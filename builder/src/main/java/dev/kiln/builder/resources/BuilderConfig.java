package dev.kiln.builder.resources;

import dev.kiln.builder.plan.MavenDockerfile;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * What the cluster's installation decides about builds (the controller's ConfigMap): images pinned by digest,
 * never hard-coded in the code path.
 *
 * @param executorImage the Kaniko executor (a maintained fork; upstream is archived), pinned by digest
 * @param builderImage the image that runs {@code kiln-builder prepare}, pinned by digest
 * @param ttlSecondsAfterFinished how long finished Jobs stay for their logs
 * @param resources requests and limits of the Kaniko container
 * @param baseImages the bases of the Dockerfile generated for the {@code maven} strategy
 */
public record BuilderConfig(String executorImage, String builderImage, int ttlSecondsAfterFinished, ResourceRequirements resources,
        MavenDockerfile.BaseImages baseImages) {
}
