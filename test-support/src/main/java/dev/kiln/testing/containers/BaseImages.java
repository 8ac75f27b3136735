package dev.kiln.testing.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Base images made on this machine by {@code hack/base-images}: Debian bookworm from {@code debootstrap}, a build
 * image (JDK 17 and Maven 3.9) and a run image (JRE 17), each with the host's CA files, in buildah's storage under
 * the cache directory ({@code KILN_CONTAINER_CACHE}, default {@code ~/.cache/kiln/containers}), pinned by their
 * local digests. Made once and reused until what made them changes (the script says how).
 *
 * @param storageConf the {@code containers-storage.conf} that buildah must run with to see them
 * @param build {@code localhost/kiln/base-build@sha256:...}
 * @param run {@code localhost/kiln/base-run@sha256:...}
 */
public record BaseImages(Path storageConf, String build, String run) {

    /** How long making the images may take: two debootstraps' worth of Debian packages, on a slow day. */
    static final Duration TIMEOUT = Duration.ofMinutes(20);

    private static BaseImages made;

    /**
     * Makes the images, or finds them in the cache; once per JVM.
     *
     * @param log where the script's progress goes
     * @return the images
     * @throws IOException when the script fails (the message has the end of its log)
     * @throws InterruptedException when interrupted while waiting
     */
    public static synchronized BaseImages get(Path log) throws IOException, InterruptedException {
        if (made == null) {
            made = make(null, log);
        }
        return made;
    }

    /**
     * Runs {@code hack/base-images}, which makes the images or finds them in its cache.
     *
     * @param cacheDir the cache directory, or null for the script's default ({@code KILN_CONTAINER_CACHE} or
     *     {@code ~/.cache/kiln/containers})
     * @param log where the script's progress goes
     * @return the images
     * @throws IOException when the script fails (the message has the end of its log)
     * @throws InterruptedException when interrupted while waiting
     */
    public static BaseImages make(Path cacheDir, Path log) throws IOException, InterruptedException {
        Path script = script();
        Files.createDirectories(log.toAbsolutePath().getParent());
        Path output = Files.createTempFile("kiln-base-images", ".out");
        ProcessBuilder pb = new ProcessBuilder(List.of(script.toString())).redirectError(log.toFile()).redirectOutput(output.toFile());
        if (cacheDir != null) {
            pb.environment().put("KILN_CONTAINER_CACHE", cacheDir.toAbsolutePath().toString());
        }
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(script + " did not finish in " + TIMEOUT.toMinutes() + " minutes; its log: " + log);
        }
        String out = Files.readString(output);
        Files.delete(output);
        Map<String, String> values = new HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        if (p.exitValue() != 0 || !values.keySet().containsAll(List.of("storage-conf", "build", "run"))) {
            throw new IOException(script + " failed (exit " + p.exitValue() + "):\n" + Buildah.tail(log, 30));
        }
        return new BaseImages(Path.of(values.get("storage-conf")), values.get("build"), values.get("run"));
    }

    /**
     * @return why the images cannot be made here, or empty when they can: the tools must be installed, and the
     *     tests must run as root (debootstrap and buildah's chroot isolation)
     */
    public static Optional<String> unavailable() {
        for (String tool : List.of("buildah", "debootstrap", "curl")) {
            if (!onPath(tool)) {
                return Optional.of(tool + " is not installed: container builds need buildah, debootstrap and curl"
                        + " (Debian: apt-get install buildah debootstrap curl; .ci/run installs them)");
            }
        }
        return Optional.empty();
    }

    /** @return {@code hack/base-images} of the repository these tests run in (found from the working directory up) */
    public static Path script() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("hack/base-images");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IOException("hack/base-images not found above " + Path.of("").toAbsolutePath());
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }
}
