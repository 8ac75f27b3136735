package dev.kiln.builder.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.GoldenFiles;
import dev.kiln.builder.plan.Strategy;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kaniko Job against golden YAML in {@code src/test/resources/golden}. After an intended change, regenerate with
 * {@code ./mvnw test -pl builder -Dtest=JobsTest -Dgolden.update=true} and review the diff.
 */
class JobsTest {

    static final BuilderConfig CONFIG = new BuilderConfig(
            "ghcr.io/osscontainertools/kaniko@sha256:5d2a7b0c6e8f4a1b9c3d7e2f6a0b4c8d1e5f9a3b7c0d4e8f2a6b1c5d9e3f7a0b",
            "ghcr.io/kiln-dev/kiln-builder@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0", 3600,
            BuilderConfig.kanikoResources("1", "2Gi"), // kiln-config's defaults
            new dev.kiln.builder.plan.MavenDockerfile.BaseImages("docker.io/library/maven@sha256:" + "1".repeat(64),
                    "docker.io/library/eclipse-temurin@sha256:" + "2".repeat(64)));
    static final String COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    static final String KEY = "3b1f5e8a9c0d2e4f6a8b0c1d3e5f7a9b1c2d4e6f8a0b1c3d5e7f9a1b2c4d6e8f";

    static Stream<Arguments> builds() {
        return Stream.of(
                Arguments.of("maven-private", new KanikoBuild("greeter", "demo", "5f0c2c1e-8a55-4d6b-9d40-6b7f3c1f2a10",
                        "https://github.com/kiln-dev/greeter.git", COMMIT, "functions/greeter", "git-token", Strategy.MAVEN, null,
                        "registry.example.com/demo/greeter", "registry-push", KEY, 1200)),
                Arguments.of("dockerfile-public", new KanikoBuild("notify", "ci", "0b4e9f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                        "https://gitlab.example.com/ci/notify.git", COMMIT, "", null, Strategy.DOCKERFILE, "build/Containerfile",
                        "registry.example.com/ci/notify", null, KEY, 600)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builds")
    void matchesGoldenYaml(String name, KanikoBuild build) throws Exception {
        String yaml = Serialization.asYaml(Jobs.kanikoBuild(build, CONFIG));
        GoldenFiles.assertMatches("kaniko-job-" + name + ".yaml", yaml);
    }

    /** {@code KILN_IMAGE_PULL_SECRET}: the kubelet pulls Kiln's builder (and Kaniko) from a registry that wants credentials. */
    @Test
    void kilnsImagePullSecretIsTheBuildPodsPullSecret() throws Exception {
        KanikoBuild build = (KanikoBuild) builds().findFirst().orElseThrow().get()[1];
        String yaml = Serialization.asYaml(Jobs.kanikoBuild(build, CONFIG.withImagePullSecret("kiln-images")));
        GoldenFiles.assertMatches("kaniko-job-maven-private-image-pull-secret.yaml", yaml);
        assertThat(Jobs.kanikoBuild(build, CONFIG).getSpec().getTemplate().getSpec().getImagePullSecrets()).as("without the setting").isNullOrEmpty();
    }

    @Test
    void secretsAreReferencedNeverCopied() {
        Job job = Jobs.kanikoBuild((KanikoBuild) builds().findFirst().orElseThrow().get()[1], CONFIG);
        var prepare = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertThat(prepare.getEnv()).allSatisfy(e -> {
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("git-token");
        });
        assertThat(job.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(job.getSpec().getBackoffLimit()).isZero();
    }

    @Test
    void aPodTheClusterTookAwayIsReplacedNotCountedAsAFailedBuild() {
        Job job = Jobs.kanikoBuild((KanikoBuild) builds().findFirst().orElseThrow().get()[1], CONFIG);
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).as("a pod failure policy needs it").isEqualTo("Never");
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).singleElement().satisfies(r -> {
            assertThat(r.getAction()).isEqualTo("Ignore");
            assertThat(r.getOnPodConditions()).singleElement().satisfies(c -> {
                assertThat(c.getType()).isEqualTo("DisruptionTarget");
                assertThat(c.getStatus()).isEqualTo("True");
            });
        });
    }

    /**
     * A namespace whose ResourceQuota covers cpu and memory refuses a Pod with any container, init containers
     * included, that does not set them ("must specify limits.cpu,limits.memory for: prepare"); the Job then has no
     * Pod and the build only times out.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("builds")
    void everyContainerOfTheBuildPodSetsRequestsAndLimitsAQuotaCanCount(String name, KanikoBuild build) {
        var pod = Jobs.kanikoBuild(build, CONFIG).getSpec().getTemplate().getSpec();
        var containers = new java.util.ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        assertThat(containers).allSatisfy(c -> {
            assertThat(c.getResources()).as(c.getName()).isNotNull();
            assertThat(c.getResources().getRequests()).as(c.getName() + " requests").containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).as(c.getName() + " limits").containsKeys("cpu", "memory");
        });
    }

    @Test
    void kanikoReachesTheInsecureRegistriesOverPlainHttpAndOnlyThem() {
        BuilderConfig kind = new BuilderConfig(CONFIG.executorImage(), CONFIG.builderImage(), CONFIG.ttlSecondsAfterFinished(), CONFIG.resources(),
                CONFIG.baseImages(), java.util.List.of("kind-registry:5000", "registry.local"));
        var kaniko = Jobs.kanikoBuild((KanikoBuild) builds().findFirst().orElseThrow().get()[1], kind).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(kaniko.getArgs()).containsSubsequence("--reproducible", "--insecure-registry=kind-registry:5000",
                "--insecure-registry=registry.local");
        assertThat(Jobs.kanikoBuild((KanikoBuild) builds().findFirst().orElseThrow().get()[1], CONFIG).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs()).noneMatch(a -> a.startsWith("--insecure"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"http://kind-registry:5000", "kind-registry:5000/kiln", "", "host:port", "-host"})
    void anInsecureRegistryIsAHostAndPortOrRefused(String registry) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuilderConfig(CONFIG.executorImage(), CONFIG.builderImage(), 60,
                CONFIG.resources(), CONFIG.baseImages(), java.util.List.of(registry)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KILN_BUILD_INSECURE_REGISTRIES").hasMessageContaining("host[:port]");
    }

    @Test
    void longFunctionNamesGiveValidJobNames() {
        String longName = "a-function-with-a-really-long-name-that-goes-on-and-on-and-on-forever";
        KanikoBuild b = new KanikoBuild(longName, "ns", "uid", "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i", null, KEY, 60);
        String name = Jobs.name(b);
        assertThat(name).hasSizeLessThanOrEqualTo(63).endsWith("-build-" + KEY.substring(0, 10)).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(Jobs.name(new KanikoBuild(longName + "-2", "ns", "uid", "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i",
                null, KEY, 60))).as("distinct long names stay distinct").isNotEqualTo(name);
    }

    @Test
    void aRebuildIsAJobOfItsOwnAndTheSameValueNamesTheSameJob() {
        KanikoBuild first = new KanikoBuild("greeter", "ns", "uid", "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i", null, KEY, 60);
        KanikoBuild again = new KanikoBuild("greeter", "ns", "uid", "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i", null, KEY, 60, "1");
        assertThat(Jobs.name(first)).isEqualTo("greeter-build-" + KEY.substring(0, 10));
        assertThat(Jobs.name(again)).startsWith(Jobs.name(first) + "-").hasSize(Jobs.name(first).length() + 1 + Jobs.REBUILD_HASH_CHARS)
                .isEqualTo(Jobs.name(new KanikoBuild("greeter", "ns", "uid", "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i",
                        null, KEY, 60, "1")))
                .isNotEqualTo(Jobs.name(new KanikoBuild("greeter", "ns", "uid", "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i",
                        null, KEY, 60, "2")));
        assertThat(Jobs.kanikoBuild(again, CONFIG).getMetadata().getName()).isEqualTo(Jobs.name(again));
    }

    static KanikoBuild build(String uid, String key, String rebuild) {
        return new KanikoBuild("greeter", "ns", uid, "https://x/y.git", COMMIT, "", null, Strategy.MAVEN, null, "r/i", null, key, 60, rebuild);
    }

    static Stream<Arguments> jobsOfTheName() {
        String otherKey = KEY.substring(0, 10) + "0".repeat(KEY.length() - 10);
        return Stream.of(
                Arguments.of("its own first build", build("uid", KEY, null), build("uid", KEY, null), true),
                Arguments.of("its own rebuild", build("uid", KEY, "1"), build("uid", KEY, "1"), true),
                Arguments.of("another rebuild value", build("uid", KEY, "2"), build("uid", KEY, "1"), false),
                Arguments.of("the first build, asked as a rebuild", build("uid", KEY, null), build("uid", KEY, "1"), false),
                Arguments.of("another key of the same first 10 characters", build("uid", otherKey, "1"), build("uid", KEY, "1"), false),
                Arguments.of("another Function's (another UID)", build("other-uid", KEY, "1"), build("uid", KEY, "1"), false));
    }

    /** The name holds 10 characters of the key and 16 of the value's hash; the annotations hold them whole. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jobsOfTheName")
    void aJobIsABuildsOnlyWhenItsOwnerKeyAndRebuildValueAreThatBuilds(String name, KanikoBuild ran, KanikoBuild asked, boolean expected) {
        assertThat(Jobs.isFor(Jobs.kanikoBuild(ran, CONFIG), asked)).isEqualTo(expected);
    }
}
