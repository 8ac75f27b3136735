package dev.kiln.containers;

import dev.kiln.testing.containers.Buildah;
import dev.kiln.testing.containers.HackScript;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kiln's own images as {@code hack/images} builds them from this checkout's packaged modules (its
 * {@code --skip-maven}: the reactor packaged them before this tier runs), on the base images made on this machine.
 *
 * @param storageConf the containers-storage.conf that holds them
 * @param controller {@code localhost/kiln/kiln-controller@sha256:...}
 * @param builder {@code localhost/kiln/kiln-builder@sha256:...}
 * @param eventSources {@code localhost/kiln/kiln-event-sources@sha256:...}
 * @param seconds how long {@code hack/images} took
 */
public record KilnImages(Path storageConf, String controller, String builder, String eventSources, long seconds) {

    /** Three images on a cold cache: a debootstrap (when the bases are not made yet), then three builds. */
    static final Duration TIMEOUT = Duration.ofMinutes(25);

    /**
     * Runs {@code hack/images --skip-maven}.
     *
     * @param storage the images' storage directory ({@code KILN_IMAGES_STORAGE})
     * @param source the repository URL for the source label
     * @param log where the script's progress goes
     * @return the images
     * @throws IOException when the script fails
     * @throws InterruptedException when interrupted while waiting
     */
    public static KilnImages build(Path storage, String source, Path log) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Map<String, String> out = HackScript.run("images", List.of("--skip-maven", "--source", source),
                Map.of("KILN_IMAGES_STORAGE", storage.toAbsolutePath().toString()), log, TIMEOUT);
        List<String> missing = new ArrayList<>(List.of("storage-conf", "kiln-controller", "kiln-builder", "kiln-event-sources"));
        missing.removeAll(out.keySet());
        if (!missing.isEmpty()) {
            throw new IOException("hack/images printed no " + missing + ": " + out);
        }
        return new KilnImages(Path.of(out.get("storage-conf")), out.get("kiln-controller"), out.get("kiln-builder"), out.get("kiln-event-sources"),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /**
     * @param bases the base images (their cache holds the storage)
     * @param repositoryRoot this checkout
     * @return the storage the tests build Kiln's images in: one per clone, outside it (as the build tier's), and not
     *     the one a user's {@code hack/images} fills
     * @throws java.security.NoSuchAlgorithmException never
     */
    public static Path testStorage(dev.kiln.testing.containers.BaseImages bases, Path repositoryRoot) throws java.security.NoSuchAlgorithmException {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(repositoryRoot.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return bases.storageConf().getParent().resolve("images").resolve(java.util.HexFormat.of().formatHex(hash).substring(0, 12) + "-it");
    }

    /** @return a buildah that sees the images (and the base images beside them) */
    public Buildah buildah() {
        return new Buildah(storageConf);
    }

    /** @return the three images, by name */
    public Map<String, String> all() {
        return Map.of("kiln-controller", controller, "kiln-builder", builder, "kiln-event-sources", eventSources);
    }
}
