package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Knative resources checked on their own, with every problem's field path, before anything is applied. */
class ValidateTest {

    static Stream<Arguments> resources() {
        return Stream.of(
                Arguments.of("valid trigger", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Trigger
                        metadata: {name: t, namespace: ns}
                        spec:
                          broker: default
                          filters: [{cesql: "type = 'a'"}]
                          subscriber: {uri: http://127.0.0.1:1/}
                        """, new String[] {}),
                Arguments.of("trigger without broker or subscriber, bad CESQL", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Trigger
                        metadata: {name: t, namespace: ns}
                        spec:
                          filters: [{cesql: "type = "}]
                        """, new String[] {"spec.broker", "spec.subscriber", "spec.filters[0].cesql"}),
                Arguments.of("sequence without steps", """
                        apiVersion: flows.knative.dev/v1
                        kind: Sequence
                        metadata: {name: s, namespace: ns}
                        spec: {steps: []}
                        """, new String[] {"spec.steps"}),
                Arguments.of("parallel branch without subscriber, bad delivery", """
                        apiVersion: flows.knative.dev/v1
                        kind: Parallel
                        metadata: {name: p, namespace: ns}
                        spec:
                          branches:
                            - delivery: {backoffDelay: 5s}
                        """, new String[] {"spec.branches[0].subscriber", "spec.branches[0].delivery"}),
                Arguments.of("broker with a bad delivery", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Broker
                        metadata: {name: b, namespace: ns}
                        spec:
                          delivery: {backoffDelay: 5s}
                        """, new String[] {"spec"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void reportsEveryProblemWithItsPath(String name, String yaml, String[] paths) {
        HasMetadata resource = Serialization.unmarshal(yaml);
        assertThat(ResourceChecks.validate(resource).paths()).containsExactlyInAnyOrder(paths);
    }
}
