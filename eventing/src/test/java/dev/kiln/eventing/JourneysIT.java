package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.eventing.journey.Journal;
import dev.kiln.eventing.journey.JourneyView;
import dev.kiln.eventing.journey.Step;
import dev.kiln.eventing.journey.TraceContext;
import dev.kiln.testing.otlp.OtlpReceiver;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every hop of an event's journey, recorded by the plane over real HTTP: ingress and each Trigger's filter result
 * (with the attribute that differed), deliveries with every attempt, replies linked to their cause, Sequence steps,
 * dead letters and TTL drops, all in one tree per event.
 */
class JourneysIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EventingPlane plane;
    static Subscribers subscribers;

    @BeforeAll
    static void start() throws Exception {
        subscribers = new Subscribers();
        plane = EventingPlane.start(EventingOptions.defaults());
        URI greeter = subscribers.add("greeter", r -> Subscribers.Response.event(CloudEventBuilder.v1().withId("greeting-of-" + r.event().getId())
                .withSource(URI.create("/greeter")).withType("dev.kiln.greeting")
                .withExtension("traceparent", String.valueOf(r.event().getExtension("traceparent"))).build()));
        URI logger = subscribers.add("logger", r -> Subscribers.Response.of(202));
        URI misses = subscribers.add("misses", r -> Subscribers.Response.of(202));
        URI failing = subscribers.add("failing", r -> Subscribers.Response.text(500, "boom"));
        URI dls = subscribers.add("dls", r -> Subscribers.Response.of(202));
        URI answering = subscribers.add("answering", r -> Subscribers.Response.event(CloudEventBuilder.v1().withId("answer-" + r.event().getId())
                .withSource(URI.create("/answering")).withType("dev.kiln.answer").build()));
        URI answers = subscribers.add("answers", r -> Subscribers.Response.of(202));
        List<HasMetadata> applied = new java.util.ArrayList<>();
        for (String doc : """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: j}
                spec:
                  delivery: {retry: 1, backoffDelay: PT0.05S, deadLetterSink: {uri: '%s'}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: hellos, namespace: j}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.hello}}]
                  subscriber: {ref: {apiVersion: flows.knative.dev/v1, kind: Sequence, name: greet-and-log}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: others, namespace: j}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.other}}]
                  subscriber: {uri: '%s'}
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: greet-and-log, namespace: j}
                spec:
                  steps: [{uri: '%s'}, {uri: '%s'}]
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: failing, namespace: j}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.fail}}]
                  subscriber: {uri: '%s'}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: asks, namespace: j}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.ask}}]
                  subscriber: {uri: '%s'}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: answers, namespace: j}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.answer}}]
                  subscriber: {uri: '%s'}
                """.formatted(dls, misses, greeter, logger, failing, answering, answers).split("(?m)^---\\s*$")) {
            HasMetadata r = Serialization.unmarshal(doc);
            plane.apply(r);
            applied.add(r);
        }
        for (HasMetadata r : applied) {
            assertThat(plane.state(r).ready()).as(r.getMetadata().getName()).isTrue();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
        subscribers.close();
    }

    static int send(String path, String id, String type, String... extraHeaders) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(plane.baseUrl() + path)).header("ce-specversion", "1.0")
                .header("ce-id", id).header("ce-source", "/test").header("ce-type", type).header("Content-Type", "application/json");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            b.header(extraHeaders[i], extraHeaders[i + 1]);
        }
        return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static Journal journal() {
        return plane.journeys().journal();
    }

    static List<Step> steps(String eventId) {
        List<String> traces = journal().traces(eventId);
        assertThat(traces).as("the journeys of " + eventId).hasSize(1);
        return journal().trace(traces.get(0));
    }

    static Step one(List<Step> steps, Step.Kind kind, String resource) {
        List<Step> found = steps.stream().filter(s -> s.kind() == kind && s.resource().equals(resource)).toList();
        assertThat(found).as(kind + " at " + resource + " in " + steps).hasSize(1);
        return found.get(0);
    }

    @Test
    void aHelloGoesThroughTheTriggerAndTheSequenceStepsAndItsReplyIsLinked() throws Exception {
        assertThat(send("/j/default", "h1", "dev.kiln.hello")).isEqualTo(202);
        Subscribers.Received logged = subscribers.received("logger").poll(10, TimeUnit.SECONDS);
        assertThat(logged).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps("h1").stream().filter(s -> s.kind() == Step.Kind.DELIVERY).count() == 3);
        List<Step> steps = steps("h1");

        Step ingress = one(steps, Step.Kind.INGRESS, "Broker j/default");
        assertThat(ingress.parent()).as("a new journey").isNull();
        assertThat(ingress.outcome()).isEqualTo(Step.Outcome.ACCEPTED);
        Map<String, Step.FilterMatch> filters = new java.util.HashMap<>();
        ingress.filters().forEach(f -> filters.put(f.trigger(), f));
        assertThat(filters.get("j/hellos").matched()).isTrue();
        assertThat(filters.get("j/hellos").explanation().why()).isEqualTo("spec.filters[0].exact: matched (type)");
        assertThat(filters.get("j/others").matched()).isFalse();
        assertThat(filters.get("j/others").explanation().why())
                .isEqualTo("spec.filters[0].exact: type is \"dev.kiln.hello\", not \"dev.kiln.other\"");

        Step trigger = one(steps, Step.Kind.DELIVERY, "Trigger j/hellos");
        assertThat(trigger.parent()).isEqualTo(ingress.span());
        assertThat(trigger.outcome()).isEqualTo(Step.Outcome.DELIVERED);
        assertThat(trigger.target()).startsWith("ref flows.knative.dev/v1 Sequence j/greet-and-log (http://");
        assertThat(trigger.attempts()).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(202));

        Step sequence = one(steps, Step.Kind.INGRESS, "Sequence j/greet-and-log");
        assertThat(sequence.parent()).as("the Sequence's arrival goes under the Trigger's delivery").isEqualTo(trigger.span());
        assertThat(sequence.link()).as("forwarded by the plane itself: the same event going on").isEqualTo(trigger.span());
        List<Step> hops = steps.stream().filter(s -> s.kind() == Step.Kind.DELIVERY && s.resource().equals("Sequence j/greet-and-log")).toList();
        assertThat(hops).extracting(Step::target).satisfiesExactly(
                t -> assertThat(t).startsWith("step 0: http://127.0.0.1:").endsWith("/greeter"),
                t -> assertThat(t).startsWith("step 1: http://127.0.0.1:").endsWith("/logger"));
        assertThat(hops.get(0).parent()).isEqualTo(sequence.span());
        Step reply = one(steps, Step.Kind.REPLY, "Sequence j/greet-and-log");
        assertThat(reply.type()).isEqualTo("dev.kiln.greeting");
        assertThat(reply.parent()).as("the greeter copied the delivery's traceparent").isEqualTo(hops.get(0).span());
        assertThat(reply.detail()).contains("sent to step 1");
        assertThat(hops.get(1).parent()).as("the logger's step goes under the reply it carries").isEqualTo(reply.span());
        assertThat(hops.get(1).eventId()).isEqualTo("greeting-of-h1");

        // What the logger got says where it came from.
        CloudEvent greeting = logged.event();
        assertThat(greeting.getExtension("causationid")).hasToString("h1");
        assertThat(greeting.getExtension("correlationid")).hasToString("h1");
        assertThat(TraceContext.of(greeting).traceId()).isEqualTo(ingress.trace());
        assertThat(logged.headers().get("traceparent")).isEqualTo(TraceContext.of(greeting).traceparent());

        Map<String, Object> tree = JourneyView.trace(journal(), "h1");
        List<?> journeys = (List<?>) tree.get("journeys");
        assertThat(journeys).hasSize(1);
        assertThat((List<?>) ((Map<?, ?>) journeys.get(0)).get("steps")).as("one tree, rooted at the Broker's ingress").hasSize(1);
        assertThat(JourneyView.events(journal(), 0, 100, new JourneyView.Query(null, null, "hellos", null)))
                .filteredOn(e -> "h1".equals(e.get("id"))).singleElement()
                .satisfies(e -> {
                    assertThat(e.get("outcome")).isEqualTo("delivered");
                    assertThat(e.get("resource")).isEqualTo("Broker j/default");
                });
    }

    @Test
    void aParallelsBranchesAreStepsOfTheJourneyAndAFilterThatSaysNoEndsItsBranch() throws Exception {
        URI yes = subscribers.add("branch-yes", r -> Subscribers.Response.event(r.event()));
        URI no = subscribers.add("branch-no", r -> Subscribers.Response.of(202));
        URI worker = subscribers.add("branch-worker", r -> Subscribers.Response.of(202));
        for (String doc : """
                apiVersion: flows.knative.dev/v1
                kind: Parallel
                metadata: {name: fan, namespace: j}
                spec:
                  branches:
                    - filter: {uri: '%1$s'}
                      subscriber: {uri: '%3$s'}
                    - filter: {uri: '%2$s'}
                      subscriber: {uri: '%3$s'}
                """.formatted(yes, no, worker).split("(?m)^---\\s*$")) {
            plane.apply(Serialization.unmarshal(doc));
        }
        assertThat(send("/parallels/j/fan", "par-1", "dev.kiln.fan")).isEqualTo(202);
        assertThat(subscribers.received("branch-worker").poll(10, TimeUnit.SECONDS)).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps("par-1").stream().filter(s -> s.kind() == Step.Kind.DELIVERY).count() == 3);
        List<Step> steps = steps("par-1");
        Step ingress = one(steps, Step.Kind.INGRESS, "Parallel j/fan");
        List<Step> hops = steps.stream().filter(s -> s.kind() == Step.Kind.DELIVERY).toList();
        assertThat(hops).extracting(s -> s.target().substring(0, s.target().indexOf(':'))).containsExactlyInAnyOrder(
                "branch 0 filter", "branch 1 filter", "branch 0 subscriber");
        assertThat(hops).filteredOn(s -> s.target().startsWith("branch 0 filter") || s.target().startsWith("branch 1 filter"))
                .allMatch(s -> s.parent().equals(ingress.span()));
        Step passed = one(steps, Step.Kind.REPLY, "Parallel j/fan");
        assertThat(passed.detail()).contains("sent to branch 0 subscriber");
        assertThat(hops).filteredOn(s -> s.target().startsWith("branch 0 subscriber")).singleElement()
                .satisfies(s -> assertThat(s.parent()).as("the subscriber gets what the filter let through").isEqualTo(passed.span()));
        assertThat(JourneyView.events(journal(), 0, 100, JourneyView.Query.ALL)).filteredOn(e -> "par-1".equals(e.get("id"))).singleElement()
                .satisfies(e -> assertThat(e.get("outcome")).isEqualTo("delivered"));
    }

    @Test
    void everyAttemptIsRecordedAndAFailedDeliverySaysWhereTheEventWent() throws Exception {
        assertThat(send("/j/default", "f1", "dev.kiln.fail")).isEqualTo(202);
        assertThat(subscribers.received("dls").poll(10, TimeUnit.SECONDS)).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps("f1").stream().anyMatch(s -> s.kind() == Step.Kind.DELIVERY));
        Step delivery = one(steps("f1"), Step.Kind.DELIVERY, "Trigger j/failing");
        assertThat(delivery.outcome()).isEqualTo(Step.Outcome.DEAD_LETTERED);
        assertThat(delivery.detail()).contains("2 attempts to http://127.0.0.1:").contains("failed, the last with status 500: boom")
                .contains("sent to the dead-letter sink http://127.0.0.1:");
        assertThat(delivery.attempts()).hasSize(3);
        assertThat(delivery.attempts().get(0).status()).isEqualTo(500);
        assertThat(delivery.attempts().get(0).retryInMillis()).as("the backoff before the retry").isEqualTo(50);
        assertThat(delivery.attempts().get(1).status()).isEqualTo(500);
        assertThat(delivery.attempts().get(2).target()).as("the dead letter's own attempt").endsWith("/dls");
        assertThat(JourneyView.events(journal(), 0, 100, new JourneyView.Query(null, null, null, JourneyView.EventOutcome.DEAD_LETTERED)))
                .extracting(e -> e.get("id")).contains("f1");
    }

    @Test
    void aReplyReentersTheBrokerAsAJourneyStepCausedByTheEventItAnswers() throws Exception {
        assertThat(send("/j/default", "a1", "dev.kiln.ask")).isEqualTo(202);
        Subscribers.Received answer = subscribers.received("answers").poll(10, TimeUnit.SECONDS);
        assertThat(answer).isNotNull();
        assertThat(answer.event().getExtension("causationid")).hasToString("a1");
        await().atMost(Duration.ofSeconds(10)).until(() -> steps("a1").stream().filter(s -> s.kind() == Step.Kind.DELIVERY).count() == 2);
        List<Step> steps = steps("a1");
        Step reply = one(steps, Step.Kind.REPLY, "Trigger j/asks");
        assertThat(reply.detail()).contains("sent to Broker j/default");
        Step again = steps.stream().filter(s -> s.kind() == Step.Kind.INGRESS && "answer-a1".equals(s.eventId())).findFirst().orElseThrow();
        assertThat(again.parent()).isEqualTo(reply.span());
        assertThat(one(steps, Step.Kind.DELIVERY, "Trigger j/answers").parent()).isEqualTo(again.span());
        assertThat(journal().traces("answer-a1")).as("the reply is found by its own id too").containsExactly(reply.trace());
        assertThat(JourneyView.events(journal(), 0, 100, JourneyView.Query.ALL)).extracting(e -> e.get("id")).contains("a1", "answer-a1");
    }

    @Test
    void aLoopingEventIsDroppedAtIngressAndAnUnknownBrokerRefusesWithTheReason() throws Exception {
        assertThat(send("/j/default", "t1", "dev.kiln.hello", "ce-knativebrokerttl", "1")).isEqualTo(400);
        Step dropped = one(steps("t1"), Step.Kind.INGRESS, "Broker j/default");
        assertThat(dropped.outcome()).isEqualTo(Step.Outcome.TTL_DROPPED);
        assertThat(dropped.detail()).contains("knativebrokerttl exhausted");

        assertThat(send("/j/nosuch", "n1", "dev.kiln.hello")).isEqualTo(404);
        Step refused = one(steps("n1"), Step.Kind.INGRESS, "Broker j/nosuch");
        assertThat(refused.outcome()).isEqualTo(Step.Outcome.REFUSED);
        assertThat(refused.detail()).isEqualTo("broker j/nosuch does not exist");
        assertThat(JourneyView.events(journal(), 0, 100, new JourneyView.Query(null, null, null, JourneyView.EventOutcome.REFUSED)))
                .extracting(e -> e.get("id")).contains("n1");
    }

    @Test
    void anEventSentWithATraceparentJoinsThatTrace() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(send("/j/default", "p1", "dev.kiln.other", "traceparent", traceparent)).isEqualTo(202);
        assertThat(subscribers.received("misses").poll(10, TimeUnit.SECONDS)).isNotNull();
        Step ingress = one(steps("p1"), Step.Kind.INGRESS, "Broker j/default");
        assertThat(ingress.trace()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(ingress.parent()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void withAnOtlpEndpointEveryStepIsAlsoASpanFollowingKnativesMessagingConventions() throws Exception {
        try (OtlpReceiver otlp = new OtlpReceiver(); Subscribers own = new Subscribers();
                EventingPlane traced = EventingPlane.start(EventingOptions.defaults().withJourneys(0)
                        .withTelemetry(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())))) {
            URI sink = own.add("sink", r -> Subscribers.Response.of(202));
            for (String doc : """
                    apiVersion: eventing.knative.dev/v1
                    kind: Broker
                    metadata: {name: default, namespace: otel}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: all, namespace: otel}
                    spec: {broker: default, subscriber: {uri: '%s'}}
                    """.formatted(sink).split("(?m)^---\\s*$")) {
                traced.apply(Serialization.unmarshal(doc));
            }
            assertThat(traced.journeys().on()).as("spans need ids even with no journal").isTrue();
            String caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            int status = HTTP.send(HttpRequest.newBuilder(URI.create(traced.baseUrl() + "/otel/default")).header("ce-specversion", "1.0")
                    .header("ce-id", "s1").header("ce-source", "/test").header("ce-type", "t").header("traceparent", caller)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).isEqualTo(202);
            Subscribers.Received got = own.received("sink").poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> otlp.spans().size() >= 2);
            OtlpReceiver.Span ingress = otlp.spans().stream().filter(s -> s.name().equals("broker:default.otel receive")).findFirst().orElseThrow();
            OtlpReceiver.Span delivery = otlp.spans().stream().filter(s -> s.name().equals("trigger:all.otel send")).findFirst().orElseThrow();
            assertThat(ingress.service()).isEqualTo("kiln-eventing");
            assertThat(ingress.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(ingress.parentSpanId()).as("the caller's span").isEqualTo("b7ad6b7169203331");
            assertThat(ingress.kind()).isEqualTo("SPAN_KIND_CONSUMER");
            assertThat(ingress.attributes()).containsEntry("messaging.system", "knative").containsEntry("messaging.operation.name", "receive")
                    .containsEntry("messaging.destination.name", "broker:default.otel").containsEntry("messaging.message.id", "s1")
                    .containsEntry("cloudevents.type", "t").containsEntry("kn.broker.name", "default").containsEntry("kn.broker.namespace", "otel");
            assertThat(delivery.parentSpanId()).isEqualTo(ingress.spanId());
            assertThat(delivery.kind()).isEqualTo("SPAN_KIND_PRODUCER");
            assertThat(delivery.attributes()).containsEntry("http.response.status_code", "202").containsEntry("kiln.outcome", "delivered");
            assertThat(got.headers().get("traceparent")).as("the subscriber gets the delivery's span")
                    .isEqualTo("00-" + delivery.traceId() + "-" + delivery.spanId() + "-01");
        }
    }

    @Test
    void withJourneysOffNothingIsRecordedAndEventsAreNotRebuilt() throws Exception {
        try (Subscribers own = new Subscribers();
                EventingPlane off = EventingPlane.start(EventingOptions.defaults().withJourneys(0))) {
            URI sink = own.add("sink", r -> Subscribers.Response.of(202));
            for (String doc : """
                    apiVersion: eventing.knative.dev/v1
                    kind: Broker
                    metadata: {name: default, namespace: off}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: all, namespace: off}
                    spec: {broker: default, subscriber: {uri: '%s'}}
                    """.formatted(sink).split("(?m)^---\\s*$")) {
                off.apply(Serialization.unmarshal(doc));
            }
            assertThat(off.journeys().on()).isFalse();
            assertThat(off.journeys().journal()).isNull();
            int status = HTTP.send(HttpRequest.newBuilder(URI.create(off.baseUrl() + "/off/default")).header("ce-specversion", "1.0")
                    .header("ce-id", "o1").header("ce-source", "/test").header("ce-type", "t").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).isEqualTo(202);
            Subscribers.Received got = own.received("sink").poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(got.event().getExtension("traceparent")).as("no trace context is made when nobody looks").isNull();
            assertThat(got.headers()).doesNotContainKey("traceparent");
        }
    }
}
