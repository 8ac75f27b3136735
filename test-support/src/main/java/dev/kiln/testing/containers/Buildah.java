package dev.kiln.testing.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * buildah, as tests drive it: builds with {@code bud --isolation chroot} (no daemon), and containers run in their
 * own root file system with {@code buildah run --isolation chroot} (the host's network: a port the container
 * listens on is a port of this machine). Every command uses the storage of {@link BaseImages}, where the base
 * images are.
 */
public final class Buildah {

    private static final java.util.regex.Pattern GRAPHROOT = java.util.regex.Pattern.compile("(?m)^graphroot\\s*=\\s*\"([^\"]+)\"");

    private final Path storageConf;

    /** @param storageConf the {@code containers-storage.conf} to use */
    public Buildah(Path storageConf) {
        this.storageConf = storageConf;
    }

    /**
     * A storage of its own in {@code dir}, with the base images' storage as a read-only image store beside it: what
     * is built goes to {@code dir}, never into the shared cache, and tests running at the same time from other
     * clones do not meet. Whatever an earlier run left in {@code dir} is removed first.
     *
     * @param bases the base images
     * @param dir the storage's directory (e.g. under {@code target/})
     * @return a buildah using it
     * @throws IOException when the storage cannot be set up
     * @throws InterruptedException when interrupted while waiting
     */
    public static Buildah over(BaseImages bases, Path dir) throws IOException, InterruptedException {
        java.util.regex.Matcher m = GRAPHROOT.matcher(Files.readString(bases.storageConf()));
        if (!m.find()) {
            throw new IOException(bases.storageConf() + " names no graphroot");
        }
        Path root = dir.toAbsolutePath();
        Files.createDirectories(root);
        Path conf = root.resolve("storage.conf");
        Files.writeString(conf, """
                [storage]
                driver = "overlay"
                graphroot = "%s"
                runroot = "%s"
                [storage.options]
                additionalimagestores = ["%s"]
                """.formatted(root.resolve("storage"), root.resolve("run"), m.group(1)));
        Buildah buildah = new Buildah(conf);
        buildah.removeAll();
        return buildah;
    }

    /**
     * Removes every container and image of this storage (never those of a read-only image store).
     *
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public void removeAll() throws IOException, InterruptedException {
        output(List.of("buildah", "rm", "--all"));
        for (String id : output(List.of("buildah", "images", "--all", "--noheading", "--format", "{{.ID}} {{.ReadOnly}}")).lines().toList()) {
            String[] f = id.strip().split("\\s+");
            if (f.length == 2 && f[1].equals("false")) {
                try {
                    output(List.of("buildah", "rmi", "--force", f[0]));
                } catch (IOException e) {
                    // already gone with an image that used it
                }
            }
        }
    }

    /**
     * {@code buildah bud --isolation chroot --pull=never}: base images come from the local storage only.
     *
     * @param context the build context
     * @param dockerfile the Dockerfile
     * @param tag the image's name
     * @param options more options of {@code bud}, e.g. {@code --layers}
     * @param log where the build's output goes
     * @param timeout how long the build may take
     * @return the image's ID
     * @throws IOException when the build fails (the message has the end of the log)
     * @throws InterruptedException when interrupted while waiting
     */
    public String bud(Path context, Path dockerfile, String tag, List<String> options, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Path iid = Files.createTempFile("kiln-buildah", ".iid");
        try {
            List<String> cmd = new ArrayList<>(List.of("buildah", "bud", "--isolation", "chroot", "--pull=never", "--iidfile", iid.toString(),
                    "-f", dockerfile.toString(), "-t", tag));
            cmd.addAll(options);
            cmd.add(context.toString());
            run(cmd, log, timeout);
            return Files.readString(iid).strip();
        } finally {
            Files.deleteIfExists(iid);
        }
    }

    /**
     * Does to {@code image} what Kaniko's {@code --reproducible} does to the image it pushes (go-containerregistry's
     * {@code mutate.Canonical}): every file's time becomes the Unix epoch. Here the result is one squashed layer,
     * where Kaniko keeps the layers; the files and their times are the same. The image keeps its name.
     *
     * @param image an image in the storage
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public void canonicalize(String image) throws IOException, InterruptedException {
        String container = output(List.of("buildah", "from", "--pull-never", image)).strip();
        output(List.of("buildah", "commit", "--quiet", "--rm", "--squash", "--timestamp", "0", container, image));
    }

    /**
     * @param image an image in the storage
     * @return its manifest digest, {@code sha256:...}, what a registry would serve it under
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public String digest(String image) throws IOException, InterruptedException {
        return output(List.of("buildah", "images", "--digests", "--format", "{{.Digest}}", image)).lines().findFirst().orElse("").strip();
    }

    /**
     * @param image an image in the storage
     * @return what it runs: its {@code Entrypoint} then its {@code Cmd}
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public List<String> command(String image) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(config(image, "Entrypoint"));
        cmd.addAll(config(image, "Cmd"));
        return cmd;
    }

    /**
     * Starts a container of {@code image} running its entry point, as its configured user, in its working
     * directory, with its environment plus {@code env}.
     *
     * @param image an image in the storage
     * @param env more environment (e.g. {@code PORT})
     * @param log where the container's output goes
     * @return the running container; close it to stop and remove it
     * @throws IOException when the container cannot be made
     * @throws InterruptedException when interrupted while waiting
     */
    public Container start(String image, Map<String, String> env, Path log) throws IOException, InterruptedException {
        return start(image, List.of(), env, Map.of(), log);
    }

    /**
     * Starts a container of {@code image} as a Pod's container runs it: its entry point with {@code args} in place of
     * the image's {@code Cmd} (Kubernetes' {@code args}), as its configured user, in its working directory, with
     * its environment plus {@code env}, and host directories mounted (a Pod's volumes, e.g. an emptyDir).
     *
     * @param image an image in the storage
     * @param args the arguments, or empty for the image's {@code Cmd}
     * @param env more environment
     * @param volumes host directories by the path they are mounted at in the container
     * @param log where the container's output goes
     * @return the running container; close it to stop and remove it
     * @throws IOException when the container cannot be made
     * @throws InterruptedException when interrupted while waiting
     */
    public Container start(String image, List<String> args, Map<String, String> env, Map<String, Path> volumes, Path log)
            throws IOException, InterruptedException {
        List<String> entrypoint = new ArrayList<>(config(image, "Entrypoint"));
        entrypoint.addAll(args.isEmpty() ? config(image, "Cmd") : args);
        if (entrypoint.isEmpty()) {
            throw new IOException(image + " has neither an entry point nor a command");
        }
        String name = output(List.of("buildah", "from", "--pull-never", image)).strip();
        List<String> cmd = new ArrayList<>(List.of("buildah", "run", "--isolation", "chroot"));
        env.forEach((k, v) -> cmd.addAll(List.of("--env", k + "=" + v)));
        volumes.forEach((at, dir) -> cmd.addAll(List.of("--volume", dir.toAbsolutePath() + ":" + at)));
        cmd.add(name);
        cmd.add("--");
        cmd.addAll(entrypoint);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = processBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Container(name, process, log);
    }

    /**
     * @param image an image in the storage
     * @return its ID: the digest of its configuration, which a registry's manifest of it names
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public String id(String image) throws IOException, InterruptedException {
        return output(List.of("buildah", "inspect", "--type", "image", "--format", "{{.FromImageID}}", image)).strip();
    }

    /**
     * @param image an image in the storage
     * @return its labels
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public Map<String, String> labels(String image) throws IOException, InterruptedException {
        return keyValues(output(List.of("buildah", "inspect", "--type", "image", "--format",
                "{{range $k, $v := .OCIv1.Config.Labels}}{{$k}}={{$v}}{{println}}{{end}}", image)));
    }

    /**
     * @param image an image in the storage
     * @return the annotations of its manifest
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public Map<String, String> annotations(String image) throws IOException, InterruptedException {
        return keyValues(output(List.of("buildah", "inspect", "--type", "image", "--format",
                "{{range $k, $v := .ImageAnnotations}}{{$k}}={{$v}}{{println}}{{end}}", image)));
    }

    /**
     * @param image an image in the storage
     * @return the user it runs as ({@code Config.User})
     * @throws IOException when buildah fails
     * @throws InterruptedException when interrupted while waiting
     */
    public String user(String image) throws IOException, InterruptedException {
        return output(List.of("buildah", "inspect", "--type", "image", "--format", "{{.OCIv1.Config.User}}", image)).strip();
    }

    private static Map<String, String> keyValues(String lines) {
        Map<String, String> values = new java.util.TreeMap<>();
        lines.lines().filter(l -> l.contains("=")).forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return values;
    }

    private List<String> config(String image, String field) throws IOException, InterruptedException {
        return output(List.of("buildah", "inspect", "--type", "image", "--format", "{{range .OCIv1.Config." + field + "}}{{println .}}{{end}}", image))
                .lines().toList();
    }

    /** A running container. */
    public final class Container implements AutoCloseable {
        private final String name;
        private final Process process;
        private final Path log;

        Container(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        /** @return the container's processes: buildah's own, then what runs inside */
        public List<ProcessHandle> processes() {
            return process.descendants().toList();
        }

        /**
         * @param program a program's file name, e.g. {@code java}
         * @return the user ID the first process inside running it runs as, from {@code /proc}, or a sentence saying
         *     that none runs
         */
        public String uidOf(String program) {
            return processes().stream().filter(p -> p.info().command().map(c -> c.endsWith("/" + program)).orElse(false)).map(p -> {
                try {
                    return Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status")).stream().filter(l -> l.startsWith("Uid:"))
                            .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
                } catch (IOException e) {
                    return "?";
                }
            }).findFirst().orElse("(no " + program + " process)");
        }

        /** @return whether the entry point is still running */
        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Waits for the entry point to end, as a Job's container ends.
         *
         * @param timeout how long to wait
         * @return its exit code
         * @throws IOException when it is still running after {@code timeout}
         * @throws InterruptedException when interrupted while waiting
         */
        public int waitFor(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(name + " still runs after " + timeout.toSeconds() + " s:\n" + tail(log, 30));
            }
            return process.exitValue();
        }

        /**
         * What the container wrote to its own root file system: the files in its writable layer (what a Pod with
         * {@code readOnlyRootFilesystem: true} would refuse). Writes to mounted volumes are not there, and neither
         * are the empty directories buildah makes as mount points.
         *
         * @return the paths written, relative to the root, e.g. {@code tmp/hsperfdata_kiln/123}
         * @throws IOException when the layer cannot be read
         * @throws InterruptedException when interrupted while waiting
         */
        public List<String> rootFileSystemWrites() throws IOException, InterruptedException {
            Path merged = Path.of(Buildah.this.output(List.of("buildah", "mount", name)).strip());
            try {
                // Overlay storage: the container's writable layer ("diff") is beside the merged view.
                Path upper = merged.resolveSibling("diff");
                try (var files = Files.walk(upper)) {
                    return files.filter(f -> !Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                            .map(f -> upper.relativize(f).toString()).sorted().toList();
                }
            } finally {
                Buildah.this.output(List.of("buildah", "umount", name));
            }
        }

        /** @return what the container printed so far */
        public String output() throws IOException {
            return Files.readString(log);
        }

        /**
         * Stops the container as a kubelet does: SIGTERM to what runs inside, then SIGKILL after 10 s. The container
         * stays, for {@link #rootFileSystemWrites()}; {@link #close()} removes it.
         *
         * @throws InterruptedException when interrupted while waiting
         */
        public void stop() throws InterruptedException {
            List<ProcessHandle> inside = processes();
            inside.forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            inside.forEach(ProcessHandle::destroyForcibly);
        }

        /** Stops the container ({@link #stop()}) and removes it. */
        @Override
        public void close() throws IOException, InterruptedException {
            stop();
            Buildah.this.output(List.of("buildah", "rm", name));
        }
    }

    /** @return the command's standard output (its errors go to the exception's message when it fails) */
    private String output(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kiln-buildah", ".out");
        Path err = Files.createTempFile("kiln-buildah", ".err");
        try {
            run(processBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()), cmd, err, Duration.ofMinutes(2));
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private void run(List<String> cmd, Path log, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        run(processBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()), cmd, log, timeout);
    }

    private static void run(ProcessBuilder pb, List<String> cmd, Path log, Duration timeout) throws IOException, InterruptedException {
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " ran past " + timeout.toSeconds() + " s:\n" + tail(log, 30));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + tail(log, 40));
        }
    }

    private ProcessBuilder processBuilder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CONTAINERS_STORAGE_CONF", storageConf.toString());
        return pb;
    }

    /** @return the last {@code lines} lines of a log */
    static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        String[] all = Files.readString(log, StandardCharsets.UTF_8).split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
