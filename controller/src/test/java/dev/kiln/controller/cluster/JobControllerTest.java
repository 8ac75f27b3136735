package dev.kiln.controller.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kubelet's secret volumes, case by case (pkg/volume/secret/secret.go): what keeps a build Pod from starting. */
class JobControllerTest {

    static final Map<String, Secret> SECRETS = Map.of(
            "push", new SecretBuilder().withNewMetadata().withName("push").endMetadata().withType("kubernetes.io/dockerconfigjson")
                    .addToData(".dockerconfigjson", "e30=").build(),
            "opaque", new SecretBuilder().withNewMetadata().withName("opaque").endMetadata().withType("Opaque").addToData("config.json", "e30=").build());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "the Secret and its key          | push    | .dockerconfigjson | false | -",
        "no Secret                       | missing | .dockerconfigjson | false | MountVolume.SetUp failed for volume \"registry-credentials\" : secret \"missing\" not found",
        "no Secret, optional             | missing | .dockerconfigjson | true  | -",
        "the Secret without the key      | opaque  | .dockerconfigjson | false | MountVolume.SetUp failed for volume \"registry-credentials\" : references non-existent secret key: .dockerconfigjson",
        "the Secret without the key, optional | opaque | .dockerconfigjson | true | -",
    })
    void aSecretVolumeMountsOrHoldsThePod(String name, String secret, String key, boolean optional, String failure) {
        PodSpec spec = new PodSpecBuilder().addNewVolume().withName("registry-credentials").withNewSecret().withSecretName(secret).withOptional(optional)
                .addNewItem().withKey(key).withPath("config.json").endItem().endSecret().endVolume()
                .addNewVolume().withName("workspace").withNewEmptyDir().endEmptyDir().endVolume().build();
        assertThat(JobController.unmountable(spec, SECRETS::get)).isEqualTo(failure);
    }
}
