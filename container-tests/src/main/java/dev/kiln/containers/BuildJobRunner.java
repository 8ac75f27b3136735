package dev.kiln.containers;

import dev.kiln.builder.cli.Main;
import dev.kiln.builder.resources.BuildOutcome;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.testing.containers.Buildah;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Plays a Kiln build Job on this machine, from the Job object itself (what {@link Jobs#kanikoBuild} made):
 * <ul>
 * <li>its emptyDir volumes are directories;</li>
 * <li>its init container runs {@code kiln-builder prepare} with the container's own arguments and environment, as a
 *     process on this test's class path (the classes the kiln-builder image carries);</li>
 * <li>its Kaniko container becomes {@code buildah bud} with the same context, Dockerfile and destination, each
 *     Kaniko option translated (an option this runner does not know fails the test, so the tier follows the Job);</li>
 * <li>the termination message is what {@code --image-name-with-digest-file} writes, and the outcome is read from it
 *     by {@link BuildOutcome}, as the controller reads it.</li>
 * </ul>
 * Not played: pushing (the image stays in the local storage, under the destination's name), Secrets, and the
 * init container's non-root user.
 */
public final class BuildJobRunner {

    static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(2);

    private final Buildah buildah;

    private final List<String> budOptions;

    /**
     * @param buildah the buildah that builds
     * @param budOptions more options for every {@code buildah bud}, e.g. {@code --no-cache} to measure a build with
     *     an empty layer cache
     */
    public BuildJobRunner(Buildah buildah, List<String> budOptions) {
        this.buildah = buildah;
        this.budOptions = List.copyOf(budOptions);
    }

    /**
     * @param image the destination, as Kaniko pushed it ({@code repository:tag}), in the local storage
     * @param outcome the build's outcome, as the controller reads it from the Job and its Pod
     * @param log the build's log (prepare's, then buildah's)
     */
    public record Result(String image, BuildOutcome outcome, Path log) {
    }

    /**
     * @param job the build Job
     * @param dir where its volumes and logs go
     * @return the image and the outcome
     * @throws IOException when the runner itself fails (not the build: that is a failed outcome)
     * @throws InterruptedException when interrupted while waiting
     */
    public Result run(Job job, Path dir) throws IOException, InterruptedException {
        var pod = job.getSpec().getTemplate().getSpec();
        Map<String, Path> volumes = new LinkedHashMap<>();
        for (Volume v : pod.getVolumes()) {
            if (v.getEmptyDir() != null) {
                volumes.put(v.getName(), Files.createDirectories(dir.resolve("volumes").resolve(v.getName())));
            } else if (v.getSecret() == null) {
                throw new IllegalArgumentException("volume " + v.getName() + ": this runner plays emptyDir volumes (and no Secrets)");
            }
        }
        Path log = dir.resolve("build.log");
        Files.deleteIfExists(log);
        List<ContainerStatus> initStatuses = new ArrayList<>();
        for (Container init : pod.getInitContainers()) {
            ContainerStatus status = prepare(init, volumes, log);
            initStatuses.add(status);
            if (status.getState().getTerminated().getExitCode() != 0) {
                return new Result(null, BuildOutcome.of(failed(job), List.of(pod(initStatuses, List.of()))), log);
            }
        }
        Container kaniko = pod.getContainers().stream().filter(c -> Jobs.KANIKO.equals(c.getName())).findFirst().orElseThrow();
        KanikoArgs args = KanikoArgs.parse(kaniko.getArgs(), path -> map(path, kaniko.getVolumeMounts(), volumes));
        Path budLog = dir.resolve("buildah.log");
        try {
            List<String> options = new ArrayList<>(args.budOptions());
            options.addAll(budOptions);
            buildah.bud(args.context(), args.dockerfile(), args.destination(), options, budLog, Duration.ofSeconds(job.getSpec().getActiveDeadlineSeconds()));
        } catch (IOException e) {
            Files.writeString(log, Files.readString(budLog), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ContainerStatus failed = terminated(Jobs.KANIKO, 1, "Error", Files.readString(budLog));
            return new Result(null, BuildOutcome.of(failed(job), List.of(pod(initStatuses, List.of(failed)))), log);
        }
        Files.writeString(log, Files.readString(budLog), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        if (args.reproducible()) {
            buildah.canonicalize(args.destination());
        }
        // --image-name-with-digest-file: the destination's repository (its tag dropped), @, the manifest's digest.
        String message = args.repository() + "@" + buildah.digest(args.destination()) + "\n";
        ContainerStatus done = terminated(Jobs.KANIKO, 0, "Completed", args.imageNameWithDigestFile() ? message : "");
        Job complete = new JobBuilder(job).withNewStatus().withSucceeded(1)
                .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build()).endStatus().build();
        return new Result(args.destination(), BuildOutcome.of(complete, List.of(pod(initStatuses, List.of(done)))), log);
    }

    private ContainerStatus prepare(Container init, Map<String, Path> volumes, Path log) throws IOException, InterruptedException {
        List<String> args = init.getArgs().stream().map(a -> {
            int eq = a.indexOf('=');
            return eq < 0 ? a : a.substring(0, eq + 1) + map(a.substring(eq + 1), init.getVolumeMounts(), volumes);
        }).toList();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (EnvVar e : init.getEnv()) {
            if (e.getValueFrom() != null) {
                if (e.getValueFrom().getSecretKeyRef() == null || !Boolean.TRUE.equals(e.getValueFrom().getSecretKeyRef().getOptional())) {
                    throw new IllegalArgumentException("env " + e.getName() + ": this runner has no Secrets to read");
                }
                continue; // an optional key of a Secret this runner does not have: unset, as in a Pod
            }
            pb.environment().put(e.getName(), e.getValue());
        }
        Process p = pb.start();
        if (!p.waitFor(PREPARE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("kiln-builder prepare ran past " + PREPARE_TIMEOUT.toSeconds() + " s: " + log);
        }
        return terminated(init.getName(), p.exitValue(), p.exitValue() == 0 ? "Completed" : "Error", Files.readString(log));
    }

    /** @return the path on this machine of a path in the container */
    static String map(String path, List<VolumeMount> mounts, Map<String, Path> volumes) {
        String plain = path.startsWith("dir://") ? path.substring("dir://".length()) : path;
        for (VolumeMount m : mounts) {
            if (volumes.containsKey(m.getName()) && (plain.equals(m.getMountPath()) || plain.startsWith(m.getMountPath() + "/"))) {
                return volumes.get(m.getName()) + plain.substring(m.getMountPath().length());
            }
        }
        return path;
    }

    static ContainerStatus terminated(String name, int exit, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(exit).withReason(reason)
                .withMessage(message).endTerminated().endState().build();
    }

    static Pod pod(List<ContainerStatus> init, List<ContainerStatus> main) {
        return new PodBuilder().withNewStatus().withInitContainerStatuses(init).withContainerStatuses(main).endStatus().build();
    }

    static Job failed(Job job) {
        return new JobBuilder(job).withNewStatus().withFailed(1)
                .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded").build())
                .endStatus().build();
    }

    /**
     * The Kaniko container's arguments, as buildah options.
     *
     * @param context {@code --context=dir://...}, mapped to this machine
     * @param dockerfile {@code --dockerfile}, mapped
     * @param destination {@code --destination}: the image's name
     * @param budOptions {@code --cache=true} becomes {@code --layers} (the layer cache is the local storage, so
     *     {@code --cache-repo} has nothing to say here)
     * @param imageNameWithDigestFile whether {@code --image-name-with-digest-file} names the termination log
     * @param reproducible {@code --reproducible}: the built image's file times are set to the epoch afterwards
     *     ({@link Buildah#canonicalize}), as Kaniko does to the image it pushes, not layer by layer during the
     *     build (buildah's {@code --timestamp} would, and Maven skips copying resources whose time is the epoch)
     */
    record KanikoArgs(Path context, Path dockerfile, String destination, List<String> budOptions, boolean imageNameWithDigestFile,
            boolean reproducible) {

        static KanikoArgs parse(List<String> args, java.util.function.UnaryOperator<String> map) {
            Path context = null;
            Path dockerfile = null;
            String destination = null;
            boolean nameFile = false;
            boolean reproducible = false;
            List<String> options = new ArrayList<>();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                String value = eq < 0 ? "true" : arg.substring(eq + 1);
                switch (name) {
                    case "--context" -> {
                        if (!value.startsWith("dir://")) {
                            throw new IllegalArgumentException("--context=" + value + ": this runner plays dir:// contexts");
                        }
                        context = Path.of(map.apply(value));
                    }
                    case "--dockerfile" -> dockerfile = Path.of(map.apply(value));
                    case "--destination" -> {
                        if (destination != null) {
                            throw new IllegalArgumentException("one --destination per build, as Kiln's Jobs have");
                        }
                        destination = value;
                    }
                    case "--image-name-with-digest-file" -> {
                        if (!value.equals("/dev/termination-log")) {
                            throw new IllegalArgumentException(arg + ": the outcome is read from the termination log");
                        }
                        nameFile = true;
                    }
                    case "--cache" -> {
                        if (value.equals("true")) {
                            options.add("--layers");
                        }
                    }
                    case "--cache-repo" -> {
                        // the layer cache is buildah's local storage
                    }
                    case "--reproducible" -> reproducible = value.equals("true");
                    case "--insecure-registry" -> {
                        // plain HTTP to a registry: base images come from the local storage and nothing is pushed
                    }
                    default -> throw new IllegalArgumentException("the Job passes " + arg + " to Kaniko, which BuildJobRunner does not play");
                }
            }
            if (context == null || dockerfile == null || destination == null) {
                throw new IllegalArgumentException("Kaniko needs --context, --dockerfile and --destination: " + args);
            }
            return new KanikoArgs(context, dockerfile, destination, List.copyOf(options), nameFile, reproducible);
        }

        /** @return the destination's repository, as Kaniko names it in the digest file ({@code Repository.Name()}) */
        String repository() {
            int slash = destination.lastIndexOf('/');
            int colon = destination.lastIndexOf(':');
            return colon > slash ? destination.substring(0, colon) : destination;
        }
    }
}
