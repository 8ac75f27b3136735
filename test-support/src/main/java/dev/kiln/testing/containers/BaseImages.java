package dev.kiln.testing.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        Map<String, String> values = HackScript.run("base-images", List.of(), cacheDir == null ? Map.of()
                : Map.of("KILN_CONTAINER_CACHE", cacheDir.toAbsolutePath().toString()), log, TIMEOUT);
        if (!values.keySet().containsAll(List.of("storage-conf", "build", "run"))) {
            throw new IOException("hack/base-images printed no storage-conf, build and run: " + values);
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
        return HackScript.find("base-images");
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }
}
