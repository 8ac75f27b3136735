package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.builder.push.PushEvents;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What local mode adds to a Broker: its dead-letter store, and the Trigger that brings pushes to kiln dev. */
class LocalBrokersTest {

    static final LocalBrokers BROKERS = new LocalBrokers("http://127.0.0.1:4000");

    static Broker broker(String yaml) {
        return (Broker) TestManifests.of(yaml).get(0).resource();
    }

    static Stream<Arguments> deadLetters() {
        return Stream.of(
                arguments("no delivery: local mode's store", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Broker
                        metadata: {name: default, namespace: shop}
                        """, "http://127.0.0.1:4000/dlq/shop/default"),
                arguments("a delivery without a sink: the store, the retries kept", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Broker
                        metadata: {name: default}
                        spec: {delivery: {retry: 3}}
                        """, "http://127.0.0.1:4000/dlq/default/default"),
                arguments("its own sink: kept", """
                        apiVersion: eventing.knative.dev/v1
                        kind: Broker
                        metadata: {name: default}
                        spec: {delivery: {deadLetterSink: {uri: "http://dead.example/"}}}
                        """, "http://dead.example/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLetters")
    void aBrokerWithoutItsOwnDeadLetterSinkGetsTheStore(String name, String yaml, String sink) {
        Broker b = broker(yaml);
        Broker local = BROKERS.withDeadLetters(b);
        assertThat(local.getSpec().getDelivery().getDeadLetterSink().getUri()).isEqualTo(sink);
        if (b.getSpec() != null && b.getSpec().getDelivery() != null) {
            assertThat(local.getSpec().getDelivery().getRetry()).isEqualTo(b.getSpec().getDelivery().getRetry());
        }
    }

    @Test
    void pushesGoToKilnDevThroughATriggerOfTheirOwn() {
        Trigger t = BROKERS.pushTrigger(broker("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: events, namespace: shop}
                """));
        assertThat(t.getMetadata().getName()).isEqualTo("kiln-dev-push-events");
        assertThat(t.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(t.getSpec().getBroker()).isEqualTo("events");
        assertThat(t.getSpec().getFilters()).singleElement().satisfies(f -> assertThat(f.getAny())
                .extracting(a -> a.getExact().get("type")).containsExactly(PushEvents.GITHUB_PUSH, PushEvents.GITLAB_PUSH));
        assertThat(t.getSpec().getSubscriber().getUri()).isEqualTo("http://127.0.0.1:4000/push");
    }

    @Test
    void onThePlaneABrokerComesWithItsTriggerAndAnythingElseAsItIs() {
        Broker b = broker("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default}
                """);
        assertThat(BROKERS.onThePlane(b)).extracting(HasMetadata::getKind, r -> r.getMetadata().getName())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Broker", "default"), org.assertj.core.groups.Tuple.tuple("Trigger", "kiln-dev-push-default"));
        Trigger other = BROKERS.pushTrigger(b);
        assertThat(BROKERS.onThePlane(other)).isEqualTo(List.of(other));
    }
}
