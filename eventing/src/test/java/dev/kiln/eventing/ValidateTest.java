package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.duck.Destination;
import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
                        """, new String[] {"spec"}),
                // Knative's TLS and OIDC options of a destination: the plane's senders cannot honour them, so they are
                // refused where they stand, as for Kiln's own resources, never silently ignored.
                Arguments.of("trigger whose subscriber and dead-letter sink have CACerts or an audience", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Trigger
                        metadata: {name: t, namespace: ns}
                        spec:
                          broker: default
                          subscriber: {uri: https://127.0.0.1:1/, CACerts: "-----BEGIN CERTIFICATE-----", audience: a}
                          delivery: {deadLetterSink: {uri: https://127.0.0.1:2/, audience: dls}}
                        """, new String[] {"spec.subscriber.CACerts", "spec.subscriber.audience", "spec.delivery.deadLetterSink.audience"}),
                Arguments.of("sequence whose step, step dead-letter sink and reply have CACerts or an audience", """
                        apiVersion: flows.knative.dev/v1
                        kind: Sequence
                        metadata: {name: s, namespace: ns}
                        spec:
                          steps:
                            - {uri: https://127.0.0.1:1/}
                            - uri: https://127.0.0.1:2/
                              CACerts: "-----BEGIN CERTIFICATE-----"
                              delivery: {deadLetterSink: {uri: https://127.0.0.1:3/, CACerts: x}}
                          reply: {uri: https://127.0.0.1:4/, audience: r}
                        """, new String[] {"spec.steps[1].CACerts", "spec.steps[1].delivery.deadLetterSink.CACerts", "spec.reply.audience"}),
                Arguments.of("parallel whose filter, subscriber, replies and dead-letter sink have CACerts or an audience", """
                        apiVersion: flows.knative.dev/v1
                        kind: Parallel
                        metadata: {name: p, namespace: ns}
                        spec:
                          branches:
                            - filter: {uri: https://127.0.0.1:1/, audience: f}
                              subscriber: {uri: https://127.0.0.1:2/, CACerts: x}
                              reply: {uri: https://127.0.0.1:3/, CACerts: x}
                              delivery: {deadLetterSink: {uri: https://127.0.0.1:4/, audience: d}}
                          reply: {uri: https://127.0.0.1:5/, CACerts: x}
                        """, new String[] {"spec.reply.CACerts", "spec.branches[0].filter.audience", "spec.branches[0].subscriber.CACerts",
                        "spec.branches[0].reply.CACerts", "spec.branches[0].delivery.deadLetterSink.audience"}),
                Arguments.of("broker whose dead-letter sink has CACerts", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Broker
                        metadata: {name: b, namespace: ns}
                        spec:
                          delivery: {deadLetterSink: {uri: https://127.0.0.1:1/, CACerts: x}}
                        """, new String[] {"spec.delivery.deadLetterSink.CACerts"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void reportsEveryProblemWithItsPath(String name, String yaml, String[] paths) {
        HasMetadata resource = Serialization.unmarshal(yaml);
        assertThat(ResourceChecks.validate(resource).paths()).containsExactlyInAnyOrder(paths);
    }

    /** Refused in the words Kiln's own resources use (a Function's or a source's sink), from the one rule in api/. */
    @Test
    void destinationOptionsAreRefusedAsForKilnsOwnResources() {
        Destination kiln = new Destination();
        kiln.uri = "https://127.0.0.1:1/";
        kiln.caCerts = "x";
        kiln.audience = "a";
        FieldErrors expected = new FieldErrors();
        Checks.destination(expected, "spec.subscriber", kiln, null);
        HasMetadata trigger = Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t, namespace: ns}
                spec: {broker: default, subscriber: {uri: https://127.0.0.1:1/, CACerts: x, audience: a}}
                """);
        assertThat(ResourceChecks.validate(trigger).list()).isEqualTo(expected.list());
    }

    /** The Broker's runtime is not ready for it either: events are refused rather than sent without the options. */
    @Test
    void aBrokerWhoseDeadLetterSinkHasCACertsIsNotReady() {
        Broker broker = Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: b, namespace: ns}
                spec:
                  delivery: {deadLetterSink: {uri: https://127.0.0.1:1/, CACerts: x}}
                """);
        BrokerRuntime runtime = BrokerRuntime.of(broker, (ns, name) -> null, null, bootstrap -> {
            throw new AssertionError("an in-memory Broker opens no log");
        });
        assertThat(runtime.reason()).isEqualTo("InvalidSpec");
        assertThat(runtime.error()).startsWith("spec.delivery.deadLetterSink.CACerts: is not supported");
    }
}
