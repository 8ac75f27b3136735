package dev.kiln.api;

import static dev.kiln.api.Fixtures.cronSource;
import static dev.kiln.api.Fixtures.function;
import static dev.kiln.api.Fixtures.gitHubSource;
import static dev.kiln.api.Fixtures.gitLabSource;
import static dev.kiln.api.Fixtures.kafkaSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each row: a resource, a field (JSON pointer) and the value it has once defaults are applied (null: still unset). */
class DefaultsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> defaults() {
        return Stream.of(
                arguments("function revision", (Supplier<KilnResource>) () -> function(), "/spec/source/git/revision", "main"),
                arguments("function keeps its revision", (Supplier<KilnResource>) () -> function(f -> f.getSpec().source.git.revision = "v1.0.0"),
                        "/spec/source/git/revision", "v1.0.0"),
                arguments("function strategy", (Supplier<KilnResource>) () -> function(), "/spec/build/strategy", "auto"),
                arguments("function dockerfile", (Supplier<KilnResource>) () -> function(), "/spec/build/dockerfile", "Dockerfile"),
                arguments("function build timeout", (Supplier<KilnResource>) () -> function(), "/spec/build/timeout", "15m"),
                // Knative has its own defaults for these, which the cluster's operator may change: unset stays unset.
                arguments("function scale left to Knative", (Supplier<KilnResource>) () -> function(), "/spec/scale", null),
                arguments("function keeps its target", (Supplier<KilnResource>) () -> function(f -> {
                    f.getSpec().scale = new ScaleSpec();
                    f.getSpec().scale.target = 10;
                }), "/spec/scale/target", "10"),
                arguments("function max scale left to Knative", (Supplier<KilnResource>) () -> function(f -> {
                    f.getSpec().scale = new ScaleSpec();
                    f.getSpec().scale.target = 10;
                }), "/spec/scale/max", null),
                arguments("function timeout left to Knative", (Supplier<KilnResource>) () -> function(), "/spec/timeoutSeconds", null),
                arguments("sink ref namespace", (Supplier<KilnResource>) () -> cronSource(), "/spec/sink/ref/namespace", "demo"),
                arguments("sink ref keeps its namespace", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink.ref.namespace = "other"),
                        "/spec/sink/ref/namespace", "other"),
                arguments("cron schedule", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = null), "/spec/schedule", "* * * * *"),
                arguments("cron time zone", (Supplier<KilnResource>) () -> cronSource(), "/spec/timezone", "UTC"),
                arguments("github api url", (Supplier<KilnResource>) () -> gitHubSource(), "/spec/githubAPIURL", "https://api.github.com"),
                arguments("gitlab sink namespace", (Supplier<KilnResource>) () -> gitLabSource(), "/spec/sink/ref/namespace", "demo"),
                arguments("kafka consumer group", (Supplier<KilnResource>) () -> kafkaSource(), "/spec/consumerGroup", "kiln-kafka-source.demo.orders"),
                arguments("kafka initial offset", (Supplier<KilnResource>) () -> kafkaSource(), "/spec/initialOffset", "latest"),
                arguments("kafka ordering", (Supplier<KilnResource>) () -> kafkaSource(), "/spec/ordering", "ordered"),
                arguments("kafka key type", (Supplier<KilnResource>) () -> kafkaSource(), "/spec/keyType", "string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void appliesTheDefault(String name, Supplier<KilnResource> resource, String pointer, String expected) {
        KilnResource r = resource.get();
        r.applyDefaults();
        JsonNode value = JSON.valueToTree(r).at(pointer);
        if (expected == null) {
            assertThat(value.isMissingNode()).as("%s is unset", pointer).isTrue();
        } else {
            assertThat(value.asText()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void isIdempotent(String name, Supplier<KilnResource> resource, String pointer, String expected) {
        KilnResource r = resource.get();
        r.applyDefaults();
        JsonNode once = JSON.valueToTree(r);
        r.applyDefaults();
        assertThat((JsonNode) JSON.valueToTree(r)).isEqualTo(once);
    }
}
