package dev.kiln.builder.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BuildOutcomeTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final String IMAGE = "registry.example.com/demo/greeter@" + DIGEST;

    static Job job(String condition, String reason) {
        JobBuilder b = new JobBuilder().withNewSpec().withActiveDeadlineSeconds(600L).endSpec();
        if (condition != null) {
            b.withNewStatus().addNewCondition().withType(condition).withStatus("True").withReason(reason).endCondition().endStatus();
        }
        return b.build();
    }

    static ContainerStatus terminated(String name, int exit, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(exit).withReason(reason)
                .withMessage(message).endTerminated().endState().build();
    }

    static ContainerStatus waiting(String name, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason).withMessage(message)
                .endWaiting().endState().build();
    }

    static Pod pod(ContainerStatus init, ContainerStatus main) {
        return new PodBuilder().withNewStatus().withInitContainerStatuses(init == null ? List.of() : List.of(init))
                .withContainerStatuses(main == null ? List.of() : List.of(main)).endStatus().build();
    }

    static Pod created(Pod pod, String at) {
        return new PodBuilder(pod).withNewMetadata().withCreationTimestamp(at).endMetadata().build();
    }

    /** What the control plane adds to a Pod it takes away (the eviction API, a drain, preemption). */
    static Pod disrupted(Pod pod) {
        return new PodBuilder(pod).editStatus().addNewCondition().withType("DisruptionTarget").withStatus("True")
                .withReason("EvictionByEvictionAPI").endCondition().withPhase("Failed").endStatus().build();
    }

    static final String LONG_LOG = IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));

    static Stream<Arguments> outcomes() {
        ContainerStatus prepared = terminated("prepare", 0, "Completed", "");
        return Stream.of(
                Arguments.of("no Pod yet", job(null, null), List.of(), BuildOutcome.State.RUNNING, "Building", "waiting for the build Pod"),
                Arguments.of("no node can take the Pod", job(null, null), List.of(new PodBuilder().withNewStatus().withPhase("Pending")
                                .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                                .withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition().endStatus().build()),
                        BuildOutcome.State.RUNNING, "Building", "the build Pod cannot be scheduled: Unschedulable: 0/3 nodes are available: 3 Insufficient memory."),
                Arguments.of("the Pod that replaced a drained node's", job(null, null), List.of(
                                created(pod(prepared, null), "2026-11-28T12:00:05Z"),
                                created(disrupted(pod(prepared, terminated("kaniko", 137, "Error", "killed"))), "2026-11-28T12:00:00Z")),
                        BuildOutcome.State.RUNNING, "Building", "building the image"),
                Arguments.of("the newest Pod, whatever the list's order", job("Failed", "BackoffLimitExceeded"), List.of(
                                created(pod(terminated("prepare", 2, "Error", "the newest"), null), "2026-11-28T12:00:09Z"),
                                created(disrupted(pod(terminated("prepare", 137, "Error", "drained"), null)), "2026-11-28T12:00:00Z")),
                        BuildOutcome.State.FAILED, "SourcePreparationFailed", "the newest"),
                Arguments.of("fetching", job(null, null), List.of(pod(null, null)), BuildOutcome.State.RUNNING, "Building", "fetching the source"),
                Arguments.of("building", job(null, null), List.of(pod(prepared, null)), BuildOutcome.State.RUNNING, "Building", "building the image"),
                Arguments.of("Kaniko image cannot be pulled", job(null, null),
                        List.of(pod(prepared, waiting("kaniko", "ImagePullBackOff", "not found"))), BuildOutcome.State.RUNNING, "Building",
                        "cannot pull the Kaniko image: not found"),
                Arguments.of("succeeded: the image Kaniko pushed", job("Complete", null),
                        List.of(pod(prepared, terminated("kaniko", 0, "Completed", IMAGE + "\n"))),
                        BuildOutcome.State.SUCCEEDED, "Succeeded", "built and pushed " + IMAGE),
                Arguments.of("succeeded: the repository as Kaniko normalized it", job("Complete", null),
                        List.of(pod(prepared, terminated("kaniko", 0, "Completed", "index.docker.io/acme/greeter@" + DIGEST + "\n"))),
                        BuildOutcome.State.SUCCEEDED, "Succeeded", "built and pushed index.docker.io/acme/greeter@" + DIGEST),
                Arguments.of("complete without a digest", job("Complete", null), List.of(pod(prepared, terminated("kaniko", 0, "Completed", "done"))),
                        BuildOutcome.State.FAILED, "NoDigest", "wrote no image digest"),
                Arguments.of("complete with a digest but no image name", job("Complete", null),
                        List.of(pod(prepared, terminated("kaniko", 0, "Completed", DIGEST + "\n"))),
                        BuildOutcome.State.FAILED, "NoDigest", "wrote no image digest"),
                Arguments.of("timed out", job("Failed", "DeadlineExceeded"), List.of(), BuildOutcome.State.FAILED, "BuildTimedOut", "(600 s)"),
                Arguments.of("source fetch failed", job("Failed", "BackoffLimitExceeded"),
                        List.of(pod(terminated("prepare", 2, "Error", "revision 'nope' is not a branch"), null)), BuildOutcome.State.FAILED,
                        "SourcePreparationFailed", "revision 'nope' is not a branch"),
                Arguments.of("Kaniko failed: the log's tail", job("Failed", "BackoffLimitExceeded"),
                        List.of(pod(prepared, terminated("kaniko", 1, "Error", LONG_LOG))), BuildOutcome.State.FAILED, "BuildFailed", "line 31\n"),
                Arguments.of("out of memory", job("Failed", "BackoffLimitExceeded"),
                        List.of(pod(prepared, terminated("kaniko", 137, "OOMKilled", ""))), BuildOutcome.State.FAILED, "BuildOutOfMemory", "memory limit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outcomes")
    void reads(String name, Job job, List<Pod> pods, BuildOutcome.State state, String reason, String message) {
        BuildOutcome o = BuildOutcome.of(job, pods);
        assertThat(o.state()).isEqualTo(state);
        assertThat(o.reason()).isEqualTo(reason);
        assertThat(o.message()).contains(message);
        assertThat(o.digest()).isEqualTo(state == BuildOutcome.State.SUCCEEDED ? DIGEST : null);
        if (state == BuildOutcome.State.SUCCEEDED) {
            assertThat(o.image()).as("the image as Kaniko wrote it, never a name Kiln pairs with the digest")
                    .isEqualTo(message.substring("built and pushed ".length()));
        } else {
            assertThat(o.image()).isNull();
        }
        if (name.contains("tail")) {
            assertThat(o.message()).doesNotContain("line 30\n").contains("line 50");
        }
    }
}
