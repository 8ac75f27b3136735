package dev.kiln.builder.resources;

import dev.kiln.builder.plan.Strategy;
import dev.kiln.contract.Labels;
import dev.kiln.contract.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The desired Kaniko Job of a build: pure, golden-tested, no client. An init container runs
 * {@code kiln-builder prepare} (fetch the commit into an emptyDir, write the generated Dockerfile for the {@code maven}
 * strategy); the Kaniko container builds the context and pushes {@code <image>:<commit12>}, writing the pushed
 * image's name with its digest to its termination message, where the controller reads it ({@link BuildOutcome}).
 */
public final class Jobs {

    /** The Kaniko container's name: its termination message is the pushed image, {@code <repository>@sha256:<digest>}. */
    public static final String KANIKO = "kaniko";
    /**
     * Where Kaniko writes the pushed image's name with its digest ({@code --image-name-with-digest-file}): the
     * container's termination message, read back by {@link BuildOutcome}. Kaniko writes the repository as it
     * pushed it (normalized, e.g. {@code index.docker.io/...}), so Kiln never pairs a digest with a name it
     * computed itself.
     */
    static final String TERMINATION_LOG = "/dev/termination-log";
    static final String WORKSPACE = "/workspace";

    private Jobs() {
    }

    /** Characters of the {@code kiln.dev/rebuild} value's SHA-256 in a rebuild's Job name: 64 bits, no accidental collision. */
    static final int REBUILD_HASH_CHARS = 16;

    /**
     * @return the Job's name: the Function's, {@code -build-} and the build key's first 10 characters; for a build
     *     asked for by a {@code kiln.dev/rebuild} value, then {@code -} and 16 characters of that value's SHA-256, so a
     *     rebuild is a Job of its own beside the failed one (Kiln may not delete Jobs), and one value builds once. A
     *     name holds only part of the key and the value's hash: {@link #isFor} tells whether a Job of that name is
     *     really this build's.
     */
    public static String name(KanikoBuild b) {
        String rebuild = b.rebuild() == null ? "" : "-" + Names.hash(b.rebuild()).substring(0, REBUILD_HASH_CHARS);
        return Names.child(b.functionName(), "-build-" + b.buildKey().substring(0, 10) + rebuild);
    }

    /**
     * Whether a Job of {@link #name}'s name is this build's: controlled by its Function (this UID), of its whole build
     * key and of the same {@code kiln.dev/rebuild} value (its whole SHA-256, {@value Labels#REBUILD_SHA256}), as the
     * Job's annotations say. The name is cut to 63 characters; the annotations are not, so two requests whose cut
     * names are equal are told apart, and a finished Job is never reported for a request it did not run.
     *
     * @param job a Job found under {@code name(b)}
     * @param b the build
     * @return true when the Job ran, or runs, {@code b}
     */
    public static boolean isFor(Job job, KanikoBuild b) {
        var meta = job.getMetadata();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        boolean controlled = meta.getOwnerReferences() != null && meta.getOwnerReferences().stream()
                .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && b.functionUid().equals(r.getUid()));
        return controlled && b.buildKey().equals(annotations.get(Labels.BUILD_KEY))
                && java.util.Objects.equals(rebuildHash(b), annotations.get(Labels.REBUILD_SHA256));
    }

    /** @return the SHA-256 of the build's {@code kiln.dev/rebuild} value, or null without one */
    private static String rebuildHash(KanikoBuild b) {
        return b.rebuild() == null ? null : Names.hash(b.rebuild());
    }

    /**
     * @param b the build
     * @param config the installation's images and limits
     * @return the Job
     */
    public static Job kanikoBuild(KanikoBuild b, BuilderConfig config) {
        Map<String, String> labels = Labels.managed(Labels.COMPONENT_BUILD);
        labels.put(Labels.FUNCTION, b.functionName());
        labels.put(Labels.COMMIT, b.commit());
        labels.put(Labels.BUILD_KEY, b.buildKey().substring(0, Names.MAX)); // a label value holds 63 characters: the full key is annotated
        String dockerfile = b.strategy() == Strategy.MAVEN ? "Dockerfile.kiln"
                : b.dockerfile() == null || b.dockerfile().isBlank() ? "Dockerfile" : b.dockerfile();

        List<String> prepareArgs = new ArrayList<>(List.of("prepare", "--url=" + b.gitUrl(), "--commit=" + b.commit(),
                "--context-dir=" + b.contextDir(), "--strategy=" + b.strategy().name().toLowerCase(java.util.Locale.ROOT),
                "--out=" + WORKSPACE));
        if (b.strategy() == Strategy.MAVEN) {
            prepareArgs.add("--maven-image=" + config.baseImages().maven());
            prepareArgs.add("--runtime-image=" + config.baseImages().runtime());
        } else {
            prepareArgs.add("--dockerfile=" + dockerfile); // prepare checks that the Dockerfile Kaniko will read is there
        }
        List<EnvVar> gitEnv = new ArrayList<>();
        if (b.gitSecret() != null) {
            // Only references: the secret's values never appear in the Job's spec.
            gitEnv.add(secretEnv("KILN_GIT_USERNAME", b.gitSecret(), "username"));
            gitEnv.add(secretEnv("KILN_GIT_PASSWORD", b.gitSecret(), "password"));
            gitEnv.add(secretEnv("KILN_GIT_TOKEN", b.gitSecret(), "token"));
            gitEnv.add(secretEnv("KILN_GIT_SSH_PRIVATE_KEY", b.gitSecret(), "ssh-privatekey"));
            gitEnv.add(secretEnv("KILN_GIT_KNOWN_HOSTS", b.gitSecret(), "known_hosts"));
        }
        Container prepare = new ContainerBuilder().withName("prepare").withImage(config.builderImage())
                .withArgs(prepareArgs).withEnv(gitEnv)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                // Kaniko's own: a namespace's ResourceQuota refuses a Pod with any container, init ones too, that
                // sets no requests or limits; an init container's equal to the main one's costs nothing more, as
                // a Pod asks for the larger of its largest init container and the sum of its containers.
                .withResources(config.resources())
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65532L).withAllowPrivilegeEscalation(false).endSecurityContext()
                .withVolumeMounts(new VolumeMountBuilder().withName("workspace").withMountPath(WORKSPACE).build())
                .build();

        ContainerBuilder kaniko = new ContainerBuilder().withName(KANIKO).withImage(config.executorImage())
                .withArgs("--context=dir://" + WORKSPACE, "--dockerfile=" + WORKSPACE + "/" + dockerfile,
                        "--destination=" + b.destination(), "--image-name-with-digest-file=" + TERMINATION_LOG,
                        "--cache=true", "--cache-repo=" + b.image() + "/cache", "--reproducible")
                .addAllToArgs(config.insecureRegistries().stream().map(r -> "--insecure-registry=" + r).toList())
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withResources(config.resources())
                .addToVolumeMounts(new VolumeMountBuilder().withName("workspace").withMountPath(WORKSPACE).build());
        JobBuilder job = new JobBuilder()
                .withNewMetadata().withName(name(b)).withNamespace(b.namespace()).withLabels(labels)
                .addToAnnotations(Labels.BUILD_KEY, b.buildKey())
                .addToAnnotations(rebuildHash(b) == null ? Map.of() : Map.of(Labels.REBUILD_SHA256, rebuildHash(b)))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("kiln.dev/v1alpha1").withKind("Function")
                        .withName(b.functionName()).withUid(b.functionUid()).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(b.timeoutSeconds())
                // A Pod the cluster took away (a node drain, preemption, an eviction) says nothing of the build: the Job
                // controller starts another instead of counting a failure, which backoffLimit 0 made final.
                .withNewPodFailurePolicy().addNewRule().withAction("Ignore").addNewOnPodCondition().withType("DisruptionTarget")
                .withStatus("True").endOnPodCondition().endRule().endPodFailurePolicy()
                .withTtlSecondsAfterFinished(config.ttlSecondsAfterFinished())
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withRestartPolicy("Never").withAutomountServiceAccountToken(false)
                .withInitContainers(prepare)
                .addNewVolume().withName("workspace").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate().endSpec();
        if (b.pushSecret() != null) {
            kaniko.addToVolumeMounts(new VolumeMountBuilder().withName("registry-credentials").withMountPath("/kaniko/.docker").withReadOnly(true).build());
            job.editSpec().editTemplate().editSpec().addToVolumes(new VolumeBuilder().withName("registry-credentials")
                    .withNewSecret().withSecretName(b.pushSecret()).addNewItem().withKey(".dockerconfigjson").withPath("config.json").endItem().endSecret()
                    .build()).endSpec().endTemplate().endSpec();
        }
        if (config.imagePullSecret() != null) {
            // Kiln's own builder image, in the installation's registry, may want credentials (a private ghcr.io package);
            // the push Secret is Kaniko's, for the Function's repository, and may not reach it.
            job.editSpec().editTemplate().editSpec().addToImagePullSecrets(new LocalObjectReference(config.imagePullSecret()))
                    .endSpec().endTemplate().endSpec();
        }
        return job.editSpec().editTemplate().editSpec().withContainers(kaniko.build()).endSpec().endTemplate().endSpec().build();
    }

    private static EnvVar secretEnv(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
                .withOptional(true).endSecretKeyRef().endValueFrom().build();
    }
}
