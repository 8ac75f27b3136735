package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What an edit of the manifests changed, resource by resource. */
class ManifestChangesTest {

    static final String BROKER = """
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: default}
            ---
            """;
    static final String TRIGGER = """
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: t}
            spec:
              broker: default
              filters: [{exact: {type: %s}}]
              subscriber: {uri: "http://127.0.0.1:1/"}
            ---
            """;
    static final String FUNCTION = """
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: fn}
            spec:
              source: {git: {url: https://example.com/a.git, revision: main}}
            %s
            ---
            """;
    static final String CONFIG = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {a: "1", b: "2"}
            ---
            """;

    static Stream<Arguments> edits() {
        return Stream.of(
                arguments("nothing", BROKER + TRIGGER.formatted("x"), BROKER + TRIGGER.formatted("x"), List.of()),
                arguments("a resource moved within the file", TRIGGER.formatted("x") + BROKER, BROKER + TRIGGER.formatted("x"), List.of()),
                arguments("a map's keys reordered", CONFIG, CONFIG.replace("{a: \"1\", b: \"2\"}", "{b: \"2\", a: \"1\"}"), List.of()),
                arguments("a default written out", FUNCTION.formatted(""), FUNCTION.formatted("  build: {timeout: 15m}"), List.of()),
                // Knative's default is no Kiln default: written out it pins the value (a cluster's own default no longer applies).
                arguments("Knative's default written out", FUNCTION.formatted(""), FUNCTION.formatted("  timeoutSeconds: 300"), List.of("~Function default/fn")),
                arguments("a filter", BROKER + TRIGGER.formatted("x"), BROKER + TRIGGER.formatted("y"), List.of("~Trigger default/t")),
                arguments("added", BROKER, BROKER + TRIGGER.formatted("x"), List.of("+Trigger default/t")),
                arguments("removed", BROKER + TRIGGER.formatted("x"), BROKER, List.of("-Trigger default/t")),
                arguments("an environment", FUNCTION.formatted(""), FUNCTION.formatted("  env: [{name: A, value: b}]"), List.of("~Function default/fn")),
                arguments("all at once", BROKER + TRIGGER.formatted("x"), FUNCTION.formatted("") + TRIGGER.formatted("y"),
                        List.of("+Function default/fn", "~Trigger default/t", "-Broker default/default")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void findsWhatChanged(String name, String before, String after, List<String> expected) {
        ManifestChanges changes = ManifestChanges.between(TestManifests.of(before), TestManifests.of(after));
        assertThat(changes.isEmpty()).isEqualTo(expected.isEmpty());
        assertThat(changes.summary()).isEqualTo(expected.isEmpty() ? "no change" : String.join(", ", expected));
    }
}
