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
import java.util.List;
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
                Arguments.of("defaults", function(s -> { })),
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
                })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void matchesGoldenYaml(String name, Function function) {
        GoldenFiles.assertMatches("ksvc-" + name + ".yaml", Serialization.asYaml(KnativeServices.desired(function, IMAGE, COMMIT)));
    }

    @Test
    void onlyWhatKilnOwnsCountsAsADifference() {
        Function f = function(s -> { });
        Service desired = KnativeServices.desired(f, IMAGE, COMMIT);
        Service defaulted = KnativeServices.desired(f, IMAGE, COMMIT);
        // Knative's webhook adds annotations on the Service itself, and a status: not a reason to update.
        defaulted.getMetadata().setAnnotations(java.util.Map.of("serving.knative.dev/creator", "system:serviceaccount:kiln"));
        defaulted.setStatus(new io.fabric8.knative.serving.v1.ServiceStatus());
        assertThat(KnativeServices.differs(defaulted, desired)).isFalse();
        assertThat(KnativeServices.differs(KnativeServices.desired(f, IMAGE.replace("ab", "cd"), COMMIT), desired)).as("a new digest").isTrue();
    }
}
