package dev.kiln.controller.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.FunctionValidation;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.api.validation.ValidationPolicy;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.controller.cluster.KnativeValidation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kiln's validation against Knative Serving's webhook as the test cluster plays it ({@link KnativeValidation}): what
 * the webhook would refuse in the Knative Service Kiln writes, Kiln's validation refuses first, at the Function's own
 * field path; and what Kiln accepts, the webhook accepts.
 */
class KnativeAdmissionTest {

    static final KubernetesSerialization JSON = new KubernetesSerialization();

    static Stream<Arguments> refusedByKnative() {
        return Stream.of(
                arguments(named("an env var from the Downward API", f -> f.getSpec().env.add(new EnvVar("NS", null,
                                new EnvVarSourceBuilder().withNewFieldRef("v1", "metadata.namespace").build()))),
                        "spec.env[0].valueFrom.fieldRef", "must not set the field(s): spec.template.spec.containers[0].env[0].valueFrom.fieldRef"),
                arguments(named("an env var from a resource field", f -> f.getSpec().env.add(new EnvVar("MEM", null,
                                new EnvVarSourceBuilder().withNewResourceFieldRef().withResource("limits.memory").endResourceFieldRef().build()))),
                        "spec.env[0].valueFrom.resourceFieldRef",
                        "must not set the field(s): spec.template.spec.containers[0].env[0].valueFrom.resourceFieldRef"),
                arguments(named("an env var from a file", f -> f.getSpec().env.add(new EnvVar("F", null,
                                new EnvVarSourceBuilder().withNewFileKeyRef().withVolumeName("v").withPath("p").withKey("k").endFileKeyRef().build()))),
                        "spec.env[0].valueFrom.fileKeyRef", "must not set the field(s): spec.template.spec.containers[0].env[0].valueFrom.fileKeyRef"),
                arguments(named("resource claims", f -> f.getSpec().resources = new ResourceRequirementsBuilder().addNewClaim().withName("gpu").endClaim()
                                .build()),
                        "spec.resources.claims", "must not set the field(s): spec.template.spec.containers[0].resources.claims"),
                arguments(named("a name that starts with a digit", f -> f.getMetadata().setName("2fa-checker")),
                        "metadata.name", "not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with"
                                + " an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for"
                                + " validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]: metadata.name"),
                arguments(named("a reserved env var", f -> f.getSpec().env.add(new EnvVar("K_SERVICE", "x", null))),
                        "spec.env[0].name", "\"K_SERVICE\" is a reserved environment variable: spec.template.spec.containers[0].env[0].name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refusedByKnative(Consumer<Function> change, String kilnPath, String knativeError) {
        Function f = KnativeServicesTest.function(s -> { });
        change.accept(f);
        assertThat(FunctionValidation.validate(f, ValidationPolicy.LOCAL).paths()).as("Kiln's validation").containsExactly(kilnPath);
        assertThat(webhook(f, Strategy.MAVEN)).as("Knative's webhook, had Kiln written it").contains("validation failed: " + knativeError);
    }

    static Stream<Arguments> acceptedByBoth() {
        return Stream.of(
                arguments(named("the defaults", f -> { }), Strategy.MAVEN),
                arguments(named("the defaults, a Dockerfile's image", f -> { }), Strategy.DOCKERFILE),
                arguments(named("everything a Function can set", f -> {
                    FunctionSpec s = f.getSpec();
                    s.scale = new ScaleSpec();
                    s.scale.min = 1;
                    s.scale.max = 10;
                    s.scale.containerConcurrency = 10;
                    s.timeoutSeconds = 30;
                    s.env = List.of(new EnvVar("GREETING", "Howdy", null),
                            new EnvVar("TOKEN", null, new EnvVarSourceBuilder().withNewSecretKeyRef("token", "api", false).build()),
                            new EnvVar("MODE", null, new EnvVarSourceBuilder().withNewConfigMapKeyRef("mode", "settings", true).build()));
                    s.resources = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("100m"))
                            .addToLimits("memory", new Quantity("256Mi")).build();
                }), Strategy.MAVEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void acceptedByBoth(Consumer<Function> change, Strategy strategy) {
        Function f = KnativeServicesTest.function(s -> { });
        change.accept(f);
        assertThat(FunctionValidation.validate(f, ValidationPolicy.LOCAL).list()).isEmpty();
        assertThat(webhook(f, strategy)).isEmpty();
    }

    private static Optional<String> webhook(Function f, Strategy strategy) {
        var service = KnativeServices.applied(KnativeServices.desired(f, KnativeServicesTest.IMAGE, KnativeServicesTest.COMMIT, strategy, "registry-credentials"));
        return KnativeValidation.refusal(JSON.convertValue(service, com.fasterxml.jackson.databind.JsonNode.class));
    }

    private static Named<Consumer<Function>> named(String name, Consumer<Function> change) {
        return Named.of(name, change);
    }
}
