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
        List<String> cmd = new ArrayList<>();
        for (String field : List.of("Entrypoint", "Cmd")) {
            output(List.of("buildah", "inspect", "--type", "image", "--format", "{{range .OCIv1.Config." + field + "}}{{println .}}{{end}}", image))
                    .lines().forEach(cmd::add);
        }
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
        List<String> entrypoint = command(image);
        if (entrypoint.isEmpty()) {
            throw new IOException(image + " has neither an entry point nor a command");
        }
        String name = output(List.of("buildah", "from", "--pull-never", image)).strip();
        List<String> cmd = new ArrayList<>(List.of("buildah", "run", "--isolation", "chroot"));
        env.forEach((k, v) -> cmd.addAll(List.of("--env", k + "=" + v)));
        cmd.add(name);
        cmd.add("--");
        cmd.addAll(entrypoint);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = processBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Container(name, process, log);
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

        /** @return whether the entry point is still running */
        public boolean isAlive() {
            return process.isAlive();
        }

        /** @return what the container printed so far */
        public String output() throws IOException {
            return Files.readString(log);
        }

        /** Stops the container (SIGTERM, then SIGKILL after 10 s) and removes it. */
        @Override
        public void close() throws IOException, InterruptedException {
            List<ProcessHandle> inside = processes();
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            inside.forEach(ProcessHandle::destroyForcibly);
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
