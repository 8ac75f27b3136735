package dev.kiln.controller.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.functions.v1alpha1.BuildSpec;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.controller.MockCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which push Secret a Function's build uses, and where a status message says it is named. */
class ImageRegistryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "the Function's own                    | mine | kiln-push | mine      | spec.build.pushSecretRef",
        "the Function's own, no installation's | mine |           | mine      | spec.build.pushSecretRef",
        "the installation's                    |      | kiln-push | kiln-push | KILN_BUILD_PUSH_SECRET in kiln-config",
        "none                                  |      |           |           | KILN_BUILD_PUSH_SECRET in kiln-config",
    })
    void thePushSecretAndWhereItIsNamed(String name, String ref, String installation, String secret, String namedBy) {
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withNamespace("demo").withName("greeter").build());
        f.setSpec(new FunctionSpec());
        if (ref != null) {
            f.getSpec().build = new BuildSpec();
            f.getSpec().build.pushSecretRef = new LocalObjectReference(ref);
        }
        ImageRegistry registry = new ImageRegistry(MockCluster.REGISTRY.policy(), installation);
        assertThat(registry.pushSecretFor(f)).isEqualTo(secret);
        assertThat(registry.pushSecretNamedBy(f)).isEqualTo(namedBy);
    }
}
