package dev.kiln.builder.resources;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a build Job says about its build, read from the Job's conditions and its Pod's container statuses. Pure: the
 * controller passes what it read and writes the result into the Function's {@code BuildSucceeded} condition.
 *
 * @param state running, succeeded or failed
 * @param reason the condition reason ({@code Building}, {@code Succeeded}, {@code BuildFailed}, ...)
 * @param message what happened, with the tail of the failing container's log for failures
 * @param image the pushed image as Kaniko wrote it ({@code <repository>@sha256:...}) when succeeded, else null
 */
public record BuildOutcome(State state, String reason, String message, String image) {

    /** Where a build is. */
    public enum State { RUNNING, SUCCEEDED, FAILED }

    /** A line of Kaniko's {@code --image-name-with-digest-file}: the repository it pushed to, {@code @}, the digest. */
    private static final Pattern IMAGE = Pattern.compile("[^\\s@]+@(sha256:[0-9a-f]{64})");
    /** @return the pushed image's digest, {@code sha256:...}, when succeeded, else null */
    public String digest() {
        return image == null ? null : image.substring(image.lastIndexOf('@') + 1);
    }

    /** Lines of a failing container's log kept in the message. */
    static final int TAIL_LINES = 20;

    /**
     * @param job the build Job
     * @param pods its Pods, in any order: with {@code backoffLimit: 0} one counts, or none yet; Pods the cluster
     *     took away ({@code DisruptionTarget}, ignored by the Job's pod failure policy) are left out while another is there
     * @return the outcome
     */
    public static BuildOutcome of(Job job, List<Pod> pods) {
        Optional<JobCondition> complete = condition(job, "Complete");
        Optional<JobCondition> failed = condition(job, "Failed");
        Pod pod = pods.stream().min(java.util.Comparator.comparing(BuildOutcome::disrupted)
                .thenComparing(BuildOutcome::created, java.util.Comparator.reverseOrder())).orElse(null);
        if (complete.isPresent()) {
            ContainerStateTerminated kaniko = terminated(pod, false, Jobs.KANIKO);
            String message = kaniko == null || kaniko.getMessage() == null ? "" : kaniko.getMessage().strip();
            // One line per destination; a build has one.
            String first = message.lines().findFirst().orElse("").strip();
            if (IMAGE.matcher(first).matches()) {
                return new BuildOutcome(State.SUCCEEDED, "Succeeded", "built and pushed " + first, first);
            }
            return new BuildOutcome(State.FAILED, "NoDigest", "the build finished but wrote no image digest (<repository>@sha256:...) to its termination message"
                    + (message.isEmpty() ? "" : ": " + tail(message)), null);
        }
        if (failed.isPresent()) {
            if ("DeadlineExceeded".equals(failed.get().getReason())) {
                return new BuildOutcome(State.FAILED, "BuildTimedOut", "the build ran past spec.build.timeout ("
                        + job.getSpec().getActiveDeadlineSeconds() + " s) and was stopped", null);
            }
            ContainerStateTerminated prepare = terminated(pod, true, "prepare");
            if (prepare != null && prepare.getExitCode() != 0) {
                return new BuildOutcome(State.FAILED, "SourcePreparationFailed", "fetching the source failed (exit " + prepare.getExitCode()
                        + "):\n" + tail(prepare.getMessage()), null);
            }
            ContainerStateTerminated kaniko = terminated(pod, false, Jobs.KANIKO);
            if (kaniko != null && "OOMKilled".equals(kaniko.getReason())) {
                return new BuildOutcome(State.FAILED, "BuildOutOfMemory", "Kaniko ran out of memory: raise the builder's memory limit", null);
            }
            if (kaniko != null) {
                return new BuildOutcome(State.FAILED, "BuildFailed", "Kaniko failed (exit " + kaniko.getExitCode() + "):\n"
                        + tail(kaniko.getMessage()), null);
            }
            return new BuildOutcome(State.FAILED, "BuildFailed", "the build Job failed: " + failed.get().getReason() + " "
                    + (failed.get().getMessage() == null ? "" : failed.get().getMessage()), null);
        }
        return new BuildOutcome(State.RUNNING, "Building", running(pod), null);
    }

    private static String running(Pod pod) {
        if (pod == null || pod.getStatus() == null) {
            return "waiting for the build Pod";
        }
        // The scheduler's word on a Pod no node can take (too little CPU or memory, taints, affinity), as Knative
        // reports it for a revision; without it the build would read "fetching the source" until it timed out.
        if (pod.getStatus().getConditions() != null) {
            for (var c : pod.getStatus().getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                    return "the build Pod cannot be scheduled: " + (c.getReason() == null ? "" : c.getReason() + ": ")
                            + (c.getMessage() == null ? "" : c.getMessage());
                }
            }
        }
        for (ContainerStatus s : statuses(pod, true)) {
            if (s.getState() != null && s.getState().getWaiting() != null && s.getState().getWaiting().getReason() != null
                    && s.getState().getWaiting().getReason().contains("ImagePull")) {
                return "cannot pull the builder image: " + s.getState().getWaiting().getMessage();
            }
        }
        for (ContainerStatus s : statuses(pod, false)) {
            if (s.getState() != null && s.getState().getWaiting() != null && s.getState().getWaiting().getReason() != null
                    && s.getState().getWaiting().getReason().contains("ImagePull")) {
                return "cannot pull the Kaniko image: " + s.getState().getWaiting().getMessage();
            }
        }
        ContainerStateTerminated prepare = terminated(pod, true, "prepare");
        return prepare == null ? "fetching the source" : "building the image";
    }

    private static boolean disrupted(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String created(Pod pod) {
        // RFC 3339 in UTC, as the API server writes it: ordered as text.
        return pod.getMetadata() == null || pod.getMetadata().getCreationTimestamp() == null ? "" : pod.getMetadata().getCreationTimestamp();
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static List<ContainerStatus> statuses(Pod pod, boolean init) {
        if (pod == null || pod.getStatus() == null) {
            return List.of();
        }
        List<ContainerStatus> s = init ? pod.getStatus().getInitContainerStatuses() : pod.getStatus().getContainerStatuses();
        return s == null ? List.of() : s;
    }

    private static ContainerStateTerminated terminated(Pod pod, boolean init, String name) {
        return statuses(pod, init).stream().filter(s -> name.equals(s.getName()) && s.getState() != null)
                .map(s -> s.getState().getTerminated()).filter(t -> t != null).findFirst().orElse(null);
    }

    /** @return the last {@link #TAIL_LINES} lines */
    static String tail(String log) {
        if (log == null || log.isBlank()) {
            return "(no log)";
        }
        String[] lines = log.strip().split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - TAIL_LINES), lines.length));
    }
}
