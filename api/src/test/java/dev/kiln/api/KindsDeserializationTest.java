package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind read back through fabric8's polymorphic deserializer, as a client or an informer reads it. Without
 * {@code @JsonDeserialize(using = None.class)} on the class, the deserializer called itself until the stack overflowed.
 */
class KindsDeserializationTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("Function", Function.class, "kiln.dev/v1alpha1"),
                Arguments.of("GitHubSource", GitHubSource.class, "sources.kiln.dev/v1alpha1"),
                Arguments.of("GitLabSource", GitLabSource.class, "sources.kiln.dev/v1alpha1"),
                Arguments.of("KafkaSource", KafkaSource.class, "sources.kiln.dev/v1alpha1"),
                Arguments.of("CronSource", CronSource.class, "sources.kiln.dev/v1alpha1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void readsBackAsItsOwnClass(String kind, Class<? extends KubernetesResource> type, String apiVersion) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        serialization.registerKubernetesResource(type);
        String json = "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"},"
                + "\"spec\":{},\"status\":{\"observedGeneration\":3}}";
        KubernetesResource read = serialization.unmarshal(json, KubernetesResource.class);
        assertThat(read).isInstanceOf(type);
        assertThat(serialization.unmarshal(json, type)).isInstanceOf(type);
    }
}
