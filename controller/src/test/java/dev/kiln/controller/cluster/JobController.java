package dev.kiln.controller.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Kubernetes' Job controller and kubelet for Kiln's build Jobs ({@code pkg/controller/job}): a new Job gets a Pod
 * {@code <job>-<5 chars>} owned by it, labelled {@code job-name}, {@code controller-uid} and their
 * {@code batch.kubernetes.io/} twins, and {@code status.active=1}. The test decides how the containers end
 * ({@link #succeed}, {@link #fail}); the Pod's container statuses carry the termination messages and the Job gets
 * the conditions the controller writes: {@code SuccessCriteriaMet} then {@code Complete}, or {@code FailureTarget}
 * then {@code Failed} with {@code BackoffLimitExceeded} ({@code DeadlineExceeded} for a timeout). A Pod whose Secret
 * volume cannot mount ({@link #unmountable}) stays {@code Pending} and never runs, as the kubelet leaves it.
 */
public final class JobController implements AutoCloseable {

    /** Where the test cluster keeps the kubelet's {@code FailedMount} message of a Pod that cannot start (its events, on a cluster). */
    static final String FAILED_MOUNT = "test.kiln.dev/failed-mount";

    private final KubernetesClient client;
    private SharedIndexInformer<Job> informer;

    public JobController(KubernetesClient client) {
        this.client = client;
    }

    public void start() {
        informer = client.batch().v1().jobs().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                startPod(job);
            }

            @Override
            public void onUpdate(Job old, Job job) {
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
            }
        });
    }

    private synchronized void startPod(Job event) {
        // The Job as it is now: an informer's event may be older than what the test has played since.
        Job job = client.resource(event).get();
        if (job == null || job.getStatus() != null && job.getStatus().getStartTime() != null
                || !client.pods().inNamespace(job.getMetadata().getNamespace()).withLabel("controller-uid", job.getMetadata().getUid()).list()
                        .getItems().isEmpty()) {
            return;
        }
        boolean running = createPod(job);
        Job update = client.resource(job).get();
        update.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withStartTime(Instant.now().toString()).withActive(1)
                .withReady(running ? 1 : 0).build());
        client.resource(update).updateStatus();
    }

    /**
     * The kubelet's secret volume plugin (kubernetes {@code pkg/volume/secret/secret.go}, {@code SetUpAt} and
     * {@code MakePayload}): a volume whose Secret is missing, or lacks an item's key, fails to mount unless it is
     * {@code optional}, and the Pod stays {@code Pending}, its containers waiting, with {@code FailedMount} events.
     *
     * @param spec the Pod's spec
     * @param secrets the namespace's Secrets by name (null when missing)
     * @return the kubelet's message for the first volume that cannot mount, or null
     */
    static String unmountable(io.fabric8.kubernetes.api.model.PodSpec spec, java.util.function.Function<String, io.fabric8.kubernetes.api.model.Secret> secrets) {
        for (var volume : spec.getVolumes() == null ? List.<io.fabric8.kubernetes.api.model.Volume>of() : spec.getVolumes()) {
            var source = volume.getSecret();
            if (source == null || Boolean.TRUE.equals(source.getOptional())) {
                continue;
            }
            String failed = "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : ";
            var secret = secrets.apply(source.getSecretName());
            if (secret == null) {
                return failed + "secret \"" + source.getSecretName() + "\" not found";
            }
            for (var item : source.getItems() == null ? List.<io.fabric8.kubernetes.api.model.KeyToPath>of() : source.getItems()) {
                boolean present = secret.getData() != null && secret.getData().containsKey(item.getKey())
                        || secret.getStringData() != null && secret.getStringData().containsKey(item.getKey());
                if (!present) {
                    return failed + "references non-existent secret key: " + item.getKey();
                }
            }
        }
        return null;
    }

    /** @return whether the Pod runs (false: it waits for a volume that cannot mount) */
    private boolean createPod(Job job) {
        String uid = job.getMetadata().getUid();
        var spec = job.getSpec().getTemplate().getSpec();
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-" + suffix())
                .withNamespace(job.getMetadata().getNamespace())
                .withCreationTimestamp(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .addToLabels("job-name", job.getMetadata().getName()).addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
                .addToLabels("controller-uid", uid).addToLabels("batch.kubernetes.io/controller-uid", uid)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
                        .withUid(uid).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata().withSpec(spec);
        String unmountable = unmountable(spec, secret -> client.secrets().inNamespace(job.getMetadata().getNamespace()).withName(secret).get());
        if (unmountable != null) {
            // Scheduled, never started: the kubelet retries the mount, and the Job runs until its deadline.
            client.resource(pod.editMetadata().addToAnnotations(FAILED_MOUNT, unmountable).endMetadata()
                    .withNewStatus().withPhase("Pending")
                    .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
                    .addNewCondition().withType("Initialized").withStatus("False").withReason("ContainersNotInitialized").endCondition()
                    .withInitContainerStatuses(spec.getInitContainers() == null ? List.of() : spec.getInitContainers().stream()
                            .map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withNewState().withNewWaiting()
                                    .withReason("PodInitializing").endWaiting().endState().build()).toList())
                    .withContainerStatuses(spec.getContainers().stream().map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                            .withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState().build()).toList())
                    .endStatus().build()).create();
            return false;
        }
        client.resource(pod.withNewStatus().withPhase("Running")
                .withInitContainerStatuses(spec.getInitContainers() == null ? List.of() : spec.getInitContainers().stream()
                        .map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withNewState().withNewTerminated()
                                .withExitCode(0).withReason("Completed").endTerminated().endState().build()).toList())
                .withContainerStatuses(spec.getContainers().stream().map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                        .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build()).toList())
                .endStatus().build()).create();
        return true;
    }

    private static String suffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** @return the Job's Pod (not one the cluster took away), or null */
    public Pod pod(Job job) {
        return client.pods().inNamespace(job.getMetadata().getNamespace()).withLabel("controller-uid", job.getMetadata().getUid()).list()
                .getItems().stream().filter(p -> !disrupted(p)).findFirst().orElse(null);
    }

    private static boolean disrupted(Pod pod) {
        return pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * The Job's Pod is evicted (a node drain): the control plane marks it {@code DisruptionTarget}, its containers are
     * killed and it fails. The Job controller then applies the Job's pod failure policy, whose first rule matching the
     * Pod's conditions decides ({@code onExitCodes} rules are not modelled): {@code Ignore} starts another Pod without
     * counting a failure; otherwise the failure counts, and past {@code backoffLimit} the Job fails.
     *
     * @param job the Job
     */
    public synchronized void evict(Job job) {
        startPod(job);
        Pod pod = pod(job);
        String now = Instant.now().toString();
        pod.getStatus().setPhase("Failed");
        pod.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("DisruptionTarget")
                .withStatus("True").withReason("EvictionByEvictionAPI").withMessage("Eviction API: evicting").withLastTransitionTime(now).build()));
        pod.getStatus().getContainerStatuses().forEach(s -> s.setState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated().withExitCode(137).withReason("Error").withFinishedAt(now).endTerminated().build()));
        client.resource(pod).updateStatus();
        Job current = client.resource(job).get();
        String action = "Count";
        var policy = current.getSpec().getPodFailurePolicy();
        for (var rule : policy == null ? List.<io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule>of() : policy.getRules()) {
            if (rule.getOnExitCodes() != null) {
                throw new UnsupportedOperationException("onExitCodes rules are not modelled");
            }
            if (rule.getOnPodConditions().stream().anyMatch(c -> pod.getStatus().getConditions().stream()
                    .anyMatch(pc -> pc.getType().equals(c.getType()) && pc.getStatus().equals(c.getStatus() == null ? "True" : c.getStatus())))) {
                action = rule.getAction();
                break;
            }
        }
        if ("Ignore".equals(action)) {
            createPod(current);
            return;
        }
        var status = current.getStatus();
        status.setActive(0);
        status.setReady(0);
        status.setFailed(1);
        String reason = "FailJob".equals(action) ? "PodFailurePolicy" : "BackoffLimitExceeded";
        String message = "FailJob".equals(action) ? "Pod matched a FailJob rule" : "Job has reached the specified backoff limit";
        status.setConditions(List.of(condition("FailureTarget", reason, message, now), condition("Failed", reason, message, now)));
        client.resource(current).updateStatus();
    }

    /**
     * The container named {@code container} exits 0 with this termination message, and the Job completes.
     *
     * @param job the Job
     * @param container the main container
     * @param terminationMessage what it wrote to its termination log
     */
    public void succeed(Job job, String container, String terminationMessage) {
        finish(job, container, 0, terminationMessage, null);
    }

    /**
     * The container exits 1 with this termination message, and the Job fails ({@code backoffLimit} is reached).
     *
     * @param job the Job
     * @param container the container that failed
     * @param terminationMessage what it wrote
     */
    public void fail(Job job, String container, String terminationMessage) {
        finish(job, container, 1, terminationMessage, "BackoffLimitExceeded");
    }

    private synchronized void finish(Job job, String container, int exitCode, String message, String failure) {
        startPod(job);
        Job current = client.resource(job).get();
        if (current.getStatus() != null && current.getStatus().getConditions() != null && current.getStatus().getConditions().stream()
                .anyMatch(c -> ("Failed".equals(c.getType()) || "Complete".equals(c.getType())) && "True".equals(c.getStatus()))) {
            throw new IllegalStateException("Job " + job.getMetadata().getName() + " has finished already: its Pods run no more");
        }
        Pod pod = pod(job);
        if (pod.getMetadata().getAnnotations() != null && pod.getMetadata().getAnnotations().containsKey(FAILED_MOUNT)) {
            throw new IllegalStateException("Job " + job.getMetadata().getName() + "'s Pod never started: "
                    + pod.getMetadata().getAnnotations().get(FAILED_MOUNT));
        }
        String now = Instant.now().toString();
        pod.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
        pod.getStatus().getContainerStatuses().stream().filter(s -> s.getName().equals(container)).forEach(s -> s.setState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error").withMessage(message)
                .withFinishedAt(now).endTerminated().build()));
        client.resource(pod).updateStatus();
        Job update = client.resource(job).get();
        var status = update.getStatus();
        status.setActive(0);
        status.setReady(0);
        List<JobCondition> conditions;
        if (failure == null) {
            status.setSucceeded(1);
            status.setCompletionTime(now);
            conditions = List.of(condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now),
                    condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
        } else {
            status.setFailed(1);
            conditions = List.of(condition("FailureTarget", failure, "Job has reached the specified backoff limit", now),
                    condition("Failed", failure, "Job has reached the specified backoff limit", now));
        }
        status.setConditions(conditions);
        client.resource(update).updateStatus();
    }

    private static JobCondition condition(String type, String reason, String message, String at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(at).withLastTransitionTime(at).build();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
