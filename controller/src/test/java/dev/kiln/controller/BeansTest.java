package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.controller.functions.ImageRegistry;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The build settings of kiln-config as the Kaniko container gets them. */
class BeansTest {

    static final String PINNED = "@sha256:" + "a".repeat(64);

    @ParameterizedTest(name = "cpu {0}, memory {1}")
    @CsvSource({
        "1,    2Gi,   2",
        "500m, 1Gi,   1000m",
        "1.5,  3Gi,   3",
        "250m, 512Mi, 500m"})
    void theKanikoContainerGetsItsCpuRequestAndALimitOfTwiceThat(String cpu, String memory, String cpuLimit) {
        BuilderConfig config = new Beans().builderConfig(config(cpu, memory));

        assertThat(config.resources().getRequests()).isEqualTo(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)));
        assertThat(config.resources().getLimits()).isEqualTo(Map.of("cpu", new Quantity(cpuLimit), "memory", new Quantity(memory)));
    }

    @ParameterizedTest(name = "[{0}]")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "kind-registry:5000", "kind-registry:5000,registry.local"})
    void kilnConfigsInsecureRegistriesReachTheBuilds(String registries) {
        java.util.List<String> list = registries.isEmpty() ? java.util.List.of() : java.util.List.of(registries.split(","));
        BuilderConfig config = new Beans().builderConfig(config("1", "2Gi", list.isEmpty() ? Optional.empty() : Optional.of(list),
                "registry.example.com/kiln", java.util.List.of("https", "ssh")));
        assertThat(config.insecureRegistries()).isEqualTo(list);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "the defaults                 | https,ssh      | registry.example.com/kiln  | ",
        "http for an in-cluster server | https,ssh,http | registry.example.com/kiln  | ",
        "a scheme Kiln does not fetch | https,git      | registry.example.com/kiln  | KILN_GIT_SCHEMES=https,git, KILN_REGISTRY=registry.example.com/kiln: 'git' is not a Git URL scheme Kiln fetches from",
        "a registry ending in a slash | https,ssh      | registry.example.com/kiln/ | KILN_GIT_SCHEMES=https,ssh, KILN_REGISTRY=registry.example.com/kiln/: 'registry.example.com/kiln/' is not a registry path"})
    void theGitSchemesAndTheRegistryMakeTheClustersPolicyOrStopTheStart(String name, String schemes, String registry, String refusal) {
        ControllerConfig config = config("1", "2Gi", Optional.empty(), registry, java.util.List.of(schemes.split(",")));
        if (refusal == null) {
            ImageRegistry images = new Beans().imageRegistry(config);
            assertThat(images.policy().orderedGitSchemes()).containsExactly(schemes.split(","));
            assertThat(images.policy().registry()).isEqualTo(registry);
        } else {
            assertThatThrownBy(() -> new Beans().imageRegistry(config)).hasMessageStartingWith(refusal);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not set            |                  | ",
        "a Secret's name    | kiln-images      | ",
        "dotted             | ghcr.io-pull     | ",
        "capitals           | Kiln-Images      | KILN_IMAGE_PULL_SECRET=Kiln-Images: not a Secret's name",
        "an underscore      | kiln_images      | KILN_IMAGE_PULL_SECRET=kiln_images: not a Secret's name"})
    void kilnConfigsImagePullSecretReachesTheBuildsOrStopsTheStart(String name, String secret, String refusal) {
        ControllerConfig config = config("1", "2Gi", Optional.empty(), "registry.example.com/kiln", java.util.List.of("https", "ssh"),
                Optional.ofNullable(secret));
        if (refusal == null) {
            assertThat(new Beans().builderConfig(config).imagePullSecret()).isEqualTo(secret);
        } else {
            assertThatThrownBy(() -> new Beans().builderConfig(config)).hasMessageStartingWith(refusal);
        }
    }

    static ControllerConfig config(String cpu, String memory) {
        return config(cpu, memory, Optional.empty(), "registry.example.com/kiln", java.util.List.of("https", "ssh"));
    }

    static ControllerConfig config(String cpu, String memory, Optional<java.util.List<String>> insecureRegistries, String registry,
            java.util.List<String> gitSchemes) {
        return config(cpu, memory, insecureRegistries, registry, gitSchemes, Optional.empty());
    }

    static ControllerConfig config(String cpu, String memory, Optional<java.util.List<String>> insecureRegistries, String registry,
            java.util.List<String> gitSchemes, Optional<String> imagePullSecret) {
        ControllerConfig.Build build = new ControllerConfig.Build() {
            public String executorImage() {
                return "kaniko" + PINNED;
            }

            public String builderImage() {
                return "kiln-builder" + PINNED;
            }

            public String mavenImage() {
                return "maven" + PINNED;
            }

            public String runtimeImage() {
                return "jre" + PINNED;
            }

            public int ttlSecondsAfterFinished() {
                return 60;
            }

            public String cpu() {
                return cpu;
            }

            public String memory() {
                return memory;
            }

            public Optional<String> pushSecret() {
                return Optional.empty();
            }

            public Optional<java.util.List<String>> insecureRegistries() {
                return insecureRegistries;
            }
        };
        return new ControllerConfig() {
            public String registry() {
                return registry;
            }

            public Build build() {
                return build;
            }

            public Sources sources() {
                return () -> "kiln-event-sources" + PINNED;
            }

            public String gitCache() {
                return "/tmp/kiln-git";
            }

            public java.util.List<String> gitSchemes() {
                return gitSchemes;
            }

            public Optional<String> imagePullSecret() {
                return imagePullSecret;
            }
        };
    }
}
