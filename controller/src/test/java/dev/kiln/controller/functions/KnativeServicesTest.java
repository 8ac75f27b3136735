package dev.kiln.controller.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.testing.GoldenFiles;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.controller.cluster.KnativeServing;
import dev.kiln.controller.cluster.PodSecurity;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Knative Service a Function runs as, against golden YAML ({@code -Dgolden.update=true} rewrites it). */
class KnativeServicesTest {

    static final String IMAGE = "registry.example.com/kiln/ns/greeter@sha256:" + "ab".repeat(32);
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    static Function function(Consumer<FunctionSpec> change) {
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withName("greeter").withNamespace("ns").withUid("1f0e6a52-3f43-4a4e-9d0e-5c1d2b3a4f5e").build());
        FunctionSpec spec = new FunctionSpec();
        spec.source = new FunctionSource();
        spec.source.git = new GitSource();
        spec.source.git.url = "https://github.com/kiln-dev/functions.git";
        spec.source.git.revision = "main";
        f.setSpec(spec);
        change.accept(spec);
        FunctionDefaults.apply(f);
        return f;
    }

    static Stream<Arguments> functions() {
        return Stream.of(
                Arguments.of("defaults", function(s -> { }), null),
                Arguments.of("tuned", function(s -> {
                    s.scale = new ScaleSpec();
                    s.scale.min = 1;
                    s.scale.max = 10;
                    s.scale.target = 50;
                    s.scale.retention = "5m";
                    s.scale.containerConcurrency = 100;
                    s.timeoutSeconds = 30;
                    s.env = List.of(new EnvVar("GREETING", "Howdy", null));
                    s.resources = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("100m"))
                            .addToLimits("memory", new Quantity("256Mi")).build();
                }), "registry-credentials"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void matchesGoldenYaml(String name, Function function, String pullSecret) {
        GoldenFiles.assertMatches("ksvc-" + name + ".yaml", Serialization.asYaml(KnativeServices.desired(function, IMAGE, COMMIT, Strategy.MAVEN, pullSecret)));
    }

    /** One setting set, each on its own: what the revision template then carries, and nothing else of the kind. */
    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of("nothing", (Consumer<FunctionSpec>) s -> { }, Map.of(), null, null),
                Arguments.of("min-scale", (Consumer<FunctionSpec>) s -> scale(s).min = 0, Map.of(KnativeServices.MIN_SCALE, "0"), null, null),
                Arguments.of("max-scale 0, asked for", (Consumer<FunctionSpec>) s -> scale(s).max = 0, Map.of(KnativeServices.MAX_SCALE, "0"), null, null),
                Arguments.of("target", (Consumer<FunctionSpec>) s -> scale(s).target = 100, Map.of(KnativeServices.TARGET, "100"), null, null),
                Arguments.of("retention", (Consumer<FunctionSpec>) s -> scale(s).retention = "60s", Map.of(KnativeServices.RETENTION, "60s"), null, null),
                Arguments.of("containerConcurrency", (Consumer<FunctionSpec>) s -> scale(s).containerConcurrency = 0, Map.of(), 0L, null),
                Arguments.of("timeoutSeconds", (Consumer<FunctionSpec>) s -> s.timeoutSeconds = 300, Map.of(), null, 300L));
    }

    static ScaleSpec scale(FunctionSpec spec) {
        if (spec.scale == null) {
            spec.scale = new ScaleSpec();
        }
        return spec.scale;
    }

    /**
     * Knative has a default for every scale and timeout setting, which the cluster's operator may change or limit
     * ({@code max-scale-limit}, {@code allow-container-concurrency-zero: false}): Kiln writes only what the Function
     * sets, so the cluster's defaults apply to the rest.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void writesOnlyTheSettingsTheFunctionSets(String name, Consumer<FunctionSpec> set, Map<String, String> annotations, Long containerConcurrency,
            Long timeoutSeconds) {
        var template = KnativeServices.desired(function(set), IMAGE, COMMIT, Strategy.MAVEN, null).getSpec().getTemplate();
        var expected = new java.util.HashMap<>(annotations);
        expected.put(dev.kiln.contract.Labels.COMMIT, COMMIT);
        assertThat(template.getMetadata().getAnnotations()).isEqualTo(expected);
        assertThat(template.getSpec().getContainerConcurrency()).isEqualTo(containerConcurrency);
        assertThat(template.getSpec().getTimeoutSeconds()).isEqualTo(timeoutSeconds);
    }

    @Test
    void theRevisionPullsItsImageWithTheSecretItWasPushedWith() {
        var pod = KnativeServices.desired(function(s -> { }), IMAGE, COMMIT, Strategy.MAVEN, "registry-credentials").getSpec().getTemplate().getSpec();
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry-credentials");
        assertThat(KnativeServices.desired(function(s -> { }), IMAGE, COMMIT, Strategy.MAVEN, null).getSpec().getTemplate().getSpec()
                .getImagePullSecrets()).as("no push Secret, no pull Secret").isEmpty();
    }

    @Test
    void theMavenStrategysContainerMeetsPodSecurityRestricted() {
        var maven = KnativeServices.desired(function(s -> { }), IMAGE, COMMIT, Strategy.MAVEN, null).getSpec().getTemplate().getSpec();
        assertThat(PodSecurity.restrictedViolations(Serialization.jsonMapper().valueToTree(maven))).isEmpty();
        var dockerfile = KnativeServices.desired(function(s -> { }), IMAGE, COMMIT, Strategy.DOCKERFILE, null).getSpec().getTemplate().getSpec();
        assertThat(PodSecurity.restrictedViolations(Serialization.jsonMapper().valueToTree(dockerfile)))
                .as("the user's Dockerfile decides who runs it").isNotEmpty();
    }

    @Test
    void onlyTheMavenStrategysImageIsRequiredToRunAsNonRoot() {
        Function f = function(s -> { });
        assertThat(KnativeServices.desired(f, IMAGE, COMMIT, Strategy.MAVEN, null).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getSecurityContext().getRunAsNonRoot()).as("Kiln's Dockerfile: USER 65532:65532").isTrue();
        var dockerfile = KnativeServices.desired(f, IMAGE, COMMIT, Strategy.DOCKERFILE, null).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getSecurityContext();
        assertThat(dockerfile.getRunAsNonRoot()).as("the user's Dockerfile decides (root, or USER app)").isNull();
        assertThat(dockerfile.getAllowPrivilegeEscalation()).isFalse();
    }

    /** What the API server stores after Knative's webhook defaulted Kiln's write (the test cluster's model of it). */
    static Service defaulted(Service written, Service old) {
        var json = Serialization.jsonMapper();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(written);
        KnativeServing.setDefaults(node, old == null ? null : json.valueToTree(old), "system:serviceaccount:kiln-system:kiln-controller");
        return json.convertValue(node, Service.class);
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("nothing", (Consumer<FunctionSpec>) s -> { }, false),
                Arguments.of("an env var added", (Consumer<FunctionSpec>) s -> s.env = List.of(new EnvVar("A", "1", null), new EnvVar("B", "2", null)), true),
                Arguments.of("an env var removed", (Consumer<FunctionSpec>) s -> s.env = List.of(), true),
                Arguments.of("max-scale unset", (Consumer<FunctionSpec>) s -> s.scale.max = null, true),
                Arguments.of("the timeout", (Consumer<FunctionSpec>) s -> s.timeoutSeconds = 60, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void knativesDefaultsAreNotADifferenceAndKilnsChangesAre(String name, Consumer<FunctionSpec> change, boolean differs) {
        Consumer<FunctionSpec> base = s -> {
            s.env = List.of(new EnvVar("A", "1", null));
            s.scale = new ScaleSpec();
            s.scale.max = 3;
        };
        Service stored = defaulted(KnativeServices.applied(KnativeServices.desired(function(base), IMAGE, COMMIT, Strategy.MAVEN, null)), null);
        stored.setStatus(new io.fabric8.knative.serving.v1.ServiceStatus());
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getSuccessThreshold()).isEqualTo(1);
        Service desired = KnativeServices.applied(KnativeServices.desired(function(base.andThen(change)), IMAGE, COMMIT, Strategy.MAVEN, null));
        assertThat(KnativeServices.differs(stored, desired)).isEqualTo(differs);
        // And once written, with the webhook's defaults again, it is settled.
        Service rewritten = defaulted(desired, stored);
        assertThat(KnativeServices.differs(rewritten, desired)).isFalse();
    }

    @Test
    void someoneElsesEditOfAFieldKilnSetsIsADifference() {
        Function f = function(s -> { });
        Service desired = KnativeServices.applied(KnativeServices.desired(f, IMAGE, COMMIT, Strategy.MAVEN, null));
        Service edited = defaulted(desired, null);
        edited.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("someone/else@sha256:" + "00".repeat(32));
        assertThat(KnativeServices.differs(edited, desired)).isTrue();
    }
}
