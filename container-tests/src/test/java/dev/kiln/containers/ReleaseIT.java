package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.builder.BuilderVersion;
import dev.kiln.testing.containers.BaseImages;
import dev.kiln.testing.containers.Buildah;
import dev.kiln.testing.containers.HackScript;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hack/release} against a real registry: Debian's {@code docker-registry} (the CNCF distribution registry) on
 * 127.0.0.1 with its storage in a temporary directory. The release builds Kiln's images ({@code hack/images}), pushes
 * them and the base images, and writes an overlay; the test reads every manifest back with {@code skopeo}, checks it
 * is the image built here (its config is the local image's), and renders the overlay with {@code kubectl kustomize}:
 * the controller's Deployment and kiln-config name exactly the pushed digests. Skips, saying why, where buildah,
 * debootstrap, docker-registry or skopeo is missing; without kubectl only the two rendering tests skip.
 */
class ReleaseIT {

    static final Path REPOSITORY_ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String SOURCE = "https://git.example.org/kiln";
    static final String EXECUTOR = "ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64);
    static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static BaseImages bases;
    static Process registryProcess;
    static String registry;
    static Map<String, String> released;
    static Path overlay;

    @BeforeAll
    static void release() throws Exception {
        var unavailable = BaseImages.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "the release is not tested: " + unavailable.orElseThrow());
        for (String tool : List.of("docker-registry", "skopeo")) {
            assumeTrue(onPath(tool), tool + " is not installed: the release is not tested (Debian: apt-get install docker-registry skopeo;"
                    + " .ci/run installs them)");
        }
        bases = BaseImages.get(Path.of("target", "base-images.log"));
        registry = "127.0.0.1:" + startRegistry() + "/kiln";
        overlay = dir.resolve("overlay");
        long started = System.nanoTime();
        released = HackScript.run("release", List.of("--registry", registry, "--tls-verify=false", "--skip-maven", "--source", SOURCE,
                "--allow-dirty", "--out", overlay.toString(), "--set", "KILN_REGISTRY=registry.example.com/functions",
                "--set", "KILN_BUILD_EXECUTOR_IMAGE=" + EXECUTOR), storageEnv(), Path.of("target", "release.log"), Duration.ofMinutes(30));
        ImagesIT.report("hack/release (build, push 5 images, render) " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (registryProcess != null) {
            registryProcess.destroy();
            registryProcess.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyImageIsInTheRegistryAsItWasBuilt() throws Exception {
        assertThat(released).containsKeys("kiln-controller", "kiln-builder", "kiln-event-sources", "kiln-base-build", "kiln-base-run", "overlay");
        KilnImages built = KilnImages.build(KilnImages.testStorage(bases, REPOSITORY_ROOT), SOURCE, dir.resolve("images.log"));
        Buildah buildah = built.buildah();
        Map<String, String> local = Map.of("kiln-controller", built.controller(), "kiln-builder", built.builder(),
                "kiln-event-sources", built.eventSources(), "kiln-base-build", bases.build(), "kiln-base-run", bases.run());
        for (var image : local.entrySet()) {
            String pushed = released.get(image.getKey());
            assertThat(pushed).startsWith(registry + "/" + image.getKey() + "@sha256:");
            String digest = pushed.substring(pushed.indexOf('@') + 1);

            byte[] manifest = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + pushed);
            assertThat("sha256:" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(manifest)))
                    .as("the registry serves the manifest the digest names").isEqualTo(digest);
            JsonNode m = JSON.readTree(manifest);
            assertThat(m.path("config").path("digest").asText()).as("%s is the image built here: its config is the local image's", image.getKey())
                    .isEqualTo("sha256:" + buildah.id(image.getValue()));

            JsonNode inspected = JSON.readTree(skopeo("inspect", "--tls-verify=false", "docker://" + pushed));
            assertThat(inspected.path("Digest").asText()).isEqualTo(digest);
            if (!image.getKey().startsWith("kiln-base-")) {
                assertThat(inspected.path("RepoTags").toString()).contains(BuilderVersion.CURRENT);
                assertThat(inspected.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo(BuilderVersion.CURRENT);
                assertThat(inspected.path("Labels").path("org.opencontainers.image.source").asText()).isEqualTo(SOURCE);
                assertThat(m.path("annotations").path("org.opencontainers.image.revision").asText()).startsWith(ImagesIT.git("rev-parse", "HEAD"));
            }
        }
    }

    @Test
    void theOverlayInstallsExactlyThePushedImages() throws Exception {
        assumeKubectl();
        List<HasMetadata> rendered = kustomize(overlay);
        Deployment controller = rendered.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        assertThat(controller.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(released.get("kiln-controller"));
        assertThat(controller.getSpec().getReplicas()).as("the prod overlay underneath").isEqualTo(2);
        ConfigMap config = rendered.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).findFirst().orElseThrow();
        assertThat(config.getData()).containsEntry("KILN_BUILD_BUILDER_IMAGE", released.get("kiln-builder"))
                .containsEntry("KILN_SOURCES_ADAPTER_IMAGE", released.get("kiln-event-sources"))
                .containsEntry("KILN_BUILD_MAVEN_IMAGE", released.get("kiln-base-build"))
                .containsEntry("KILN_BUILD_RUNTIME_IMAGE", released.get("kiln-base-run"))
                .containsEntry("KILN_BUILD_EXECUTOR_IMAGE", EXECUTOR)
                .containsEntry("KILN_REGISTRY", "registry.example.com/functions")
                .containsEntry("KILN_GIT_CACHE", "/var/cache/kiln/git");
        assertThat(controller.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName())
                .isEqualTo(config.getMetadata().getName());
        assertThat(Files.readString(overlay.resolve("images.env"))).contains("kiln-controller=" + released.get("kiln-controller"));
    }

    @Test
    void aReleaseWhoseOverlayWouldLeaveAnImageUnpinnedIsRefused() {
        assumeKubectl(); // hack/release checks the rendered overlay only where kubectl renders it
        // The prod overlay's executor is a placeholder: without --set, the controller would refuse to start.
        assertThatThrownBy(() -> HackScript.run("release", List.of("--registry", registry, "--tls-verify=false", "--skip-maven",
                "--source", SOURCE, "--allow-dirty", "--no-function-bases", "--out", dir.resolve("unpinned").toString()), storageEnv(),
                dir.resolve("unpinned.log"), Duration.ofMinutes(30)))
                .isInstanceOf(IOException.class).hasMessageContaining("not pinned").hasMessageContaining("KILN_BUILD_EXECUTOR_IMAGE");
    }

    static Map<String, String> storageEnv() throws Exception {
        return Map.of("KILN_IMAGES_STORAGE", KilnImages.testStorage(bases, REPOSITORY_ROOT).toString());
    }

    /** Starts the registry on a port it picks (no race for a free port) and returns the port from its log. */
    static int startRegistry() throws Exception {
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: info
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:0
                """.formatted(dir.resolve("registry-storage")));
        Path log = dir.resolve("registry.log");
        registryProcess = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertThat(registryProcess.isAlive()).as("docker-registry exited:\n%s", Files.readString(log)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("docker-registry did not say where it listens:\n" + Files.readString(log));
    }

    static byte[] skopeo(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
        return out;
    }

    /**
     * Only the overlay's rendering needs kubectl; the push and the manifests read back are tested without it. Debian
     * ships no kubectl recent enough to render the overlays (bookworm's kubernetes-client is 1.20, kustomize 2), so a
     * machine set up by .ci/run alone skips these two, saying so.
     */
    static void assumeKubectl() {
        assumeTrue(onPath("kubectl"), "kubectl is not installed: the overlay hack/release wrote is not rendered (kubectl from"
                + " Kubernetes' own packages, pkgs.k8s.io)");
    }

    static List<HasMetadata> kustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return Arrays.stream(out.split("(?m)^---$")).filter(doc -> !doc.isBlank()).map(doc -> (HasMetadata) Serialization.unmarshal(doc)).toList();
    }

    static boolean onPath(String tool) {
        return Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
