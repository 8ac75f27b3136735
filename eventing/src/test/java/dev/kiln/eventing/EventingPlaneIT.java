package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.http.CeHeaderValues;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The plane over real HTTP, with real HTTP subscribers: one plane and one subscriber server for the class. */
class EventingPlaneIT {

    static EventingPlane plane;
    static Subscribers subscribers;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        subscribers = new Subscribers();
        plane = EventingPlane.start(EventingOptions.defaults().withLanes(4, 2));
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
        subscribers.close();
    }

    static <T extends HasMetadata> T apply(String yaml) {
        @SuppressWarnings("unchecked")
        T resource = (T) Serialization.unmarshal(yaml);
        plane.apply(resource);
        return resource;
    }

    static void broker(String ns, String name, String delivery) {
        apply("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: %s, namespace: %s}
                spec: %s
                """.formatted(name, ns, delivery));
    }

    static void trigger(String ns, String name, String broker, String filterYaml, URI subscriber, String delivery) {
        apply("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: %s, namespace: %s}
                spec:
                  broker: %s
                  subscriber: {uri: '%s'}
                  delivery: %s
                  %s
                """.formatted(name, ns, broker, subscriber, delivery, filterYaml));
    }

    static int post(String path, String... headersAndBody) throws Exception {
        return send(path, headersAndBody).statusCode();
    }

    static HttpResponse<String> send(String path, String... headersAndBody) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(plane.baseUrl() + path));
        for (int i = 0; i + 1 < headersAndBody.length; i += 2) {
            b.header(headersAndBody[i], headersAndBody[i + 1]);
        }
        String body = headersAndBody.length % 2 == 1 ? headersAndBody[headersAndBody.length - 1] : "";
        return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] event(String id, String type, String data) {
        return new String[] {"ce-specversion", "1.0", "ce-id", id, "ce-source", "/test", "ce-type", type,
                "Content-Type", "application/json", data};
    }

    static String[] text(String id, String data) {
        return new String[] {"ce-specversion", "1.0", "ce-id", id, "ce-source", "/test", "ce-type", "t",
                "Content-Type", "text/plain", data};
    }

    static Subscribers.Received next(String path) throws InterruptedException {
        Subscribers.Received r = subscribers.received(path).poll(10, TimeUnit.SECONDS);
        assertThat(r).as("an event reached " + path).isNotNull();
        return r;
    }

    @Test
    void routesThroughAMatchingTriggerOnly() throws Exception {
        broker("route", "default", "{}");
        URI hit = subscribers.add("route-hit", r -> Subscribers.Response.of(202));
        URI miss = subscribers.add("route-miss", r -> Subscribers.Response.of(202));
        trigger("route", "hit", "default", "filters: [{exact: {type: dev.kiln.hello}}]", hit, "{}");
        trigger("route", "miss", "default", "filters: [{exact: {type: other}}]", miss, "{}");

        assertThat(post("/route/default", event("1", "dev.kiln.hello", "{\"n\":1}"))).isEqualTo(202);

        Subscribers.Received got = next("route-hit");
        assertThat(got.event().getId()).isEqualTo("1");
        assertThat(new String(got.event().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(got.event().getExtension("knativearrivaltime")).isNotNull();
        assertThat(got.event().getExtension("knativebrokerttl")).as("TTL is stripped before delivery").isNull();
        assertThat(got.headers()).containsEntry("prefer", "reply").containsEntry("kn-namespace", "route");
        assertThat(subscribers.received("route-miss").poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aPlaneOnSeveralEventLoopsServesOnePortWithEveryServer() throws Exception {
        try (EventingPlane loops = EventingPlane.start(EventingOptions.defaults().withEventLoops(3))) {
            assertThat(loops.serverPorts()).hasSize(3).containsOnly(loops.port()); // asked for port 0, they share one free port
            loops.apply(Serialization.unmarshal("""
                    apiVersion: eventing.knative.dev/v1
                    kind: Broker
                    metadata: {name: default, namespace: loops}
                    """));
            URI sink = subscribers.add("loops", r -> Subscribers.Response.of(202));
            loops.apply(Serialization.unmarshal("""
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: all, namespace: loops}
                    spec: {broker: default, subscriber: {uri: '%s'}}
                    """.formatted(sink)));
            // A new client, so a new connection, per event: Vert.x hands connections to the servers in turn.
            for (int i = 0; i < 6; i++) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(loops.baseUrl() + "/loops/default"));
                String[] e = event("l" + i, "t", "{}");
                for (int h = 0; h + 1 < e.length; h += 2) {
                    b.header(e[h], e[h + 1]);
                }
                assertThat(HttpClient.newHttpClient().send(b.POST(HttpRequest.BodyPublishers.ofString(e[e.length - 1])).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(next("loops").event().getId());
            }
            assertThat(ids).containsExactlyInAnyOrder("l0", "l1", "l2", "l3", "l4", "l5");
        }
    }

    @Test
    void aNegativeEventLoopCountIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventingOptions.defaults().withEventLoops(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventLoops");
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("not a CloudEvent", "/bad/default", new String[] {"Content-Type", "application/json", "{}"}, 400),
                Arguments.of("missing id", "/bad/default", new String[] {"ce-specversion", "1.0", "ce-source", "/s", "ce-type", "t", "x"}, 400),
                // CloudEvents 1.0: id, source and type MUST be non-empty (Knative's ingress answers 400 too)
                Arguments.of("empty id", "/bad/default", new String[] {"ce-specversion", "1.0", "ce-id", "", "ce-source", "/s", "ce-type", "t", "x"}, 400),
                Arguments.of("empty source", "/bad/default", new String[] {"ce-specversion", "1.0", "ce-id", "1", "ce-source", "", "ce-type", "t", "x"}, 400),
                Arguments.of("empty type", "/bad/default", new String[] {"ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s", "ce-type", "", "x"}, 400),
                Arguments.of("empty id, structured", "/bad/default", new String[] {"Content-Type", "application/cloudevents+json",
                        "{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/s\",\"type\":\"t\"}"}, 400),
                Arguments.of("unknown spec version", "/bad/default", new String[] {"ce-specversion", "9.9", "ce-id", "1", "ce-source", "/s", "ce-type", "t", "x"}, 400),
                Arguments.of("unknown broker", "/bad/nope", event("1", "t", "{}"), 404),
                Arguments.of("unknown sequence", "/sequences/bad/nope", event("1", "t", "{}"), 404),
                Arguments.of("path with three segments", "/bad/default/x", event("1", "t", "{}"), 400),
                Arguments.of("root", "/", event("1", "t", "{}"), 404),
                Arguments.of("malformed hop count", "/bad/default", new String[] {"ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s",
                        "ce-type", "t", "ce-knativebrokerttl", "many", "x"}, 400),
                Arguments.of("invalid sequence", "/sequences/bad/empty", event("1", "t", "{}"), 503),
                Arguments.of("too large", "/bad/default", event("1", "t", "\"" + "x".repeat(11 << 20) + "\""), 413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetAClearError(String name, String path, String[] request, int status) throws Exception {
        broker("bad", "default", "{}");
        apply("""
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: empty, namespace: bad}
                spec: {steps: []}
                """);
        HttpResponse<String> response = send(path, request);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).isNotBlank();
    }

    @Test
    void retriesRetryableFailuresWithBackoffThenSucceeds() throws Exception {
        broker("retry", "default", "{}");
        AtomicInteger calls = new AtomicInteger();
        URI flaky = subscribers.add("retry-flaky", r -> calls.incrementAndGet() <= 2 ? Subscribers.Response.text(503, "busy")
                : Subscribers.Response.of(202));
        trigger("retry", "flaky", "default", "", flaky, "{retry: 3, backoffPolicy: exponential, backoffDelay: PT0.2S}");

        assertThat(post("/retry/default", event("r1", "t", "{}"))).isEqualTo(202);
        long t1 = next("retry-flaky").nanos();
        long t2 = next("retry-flaky").nanos();
        long t3 = next("retry-flaky").nanos();
        assertThat(Duration.ofNanos(t2 - t1)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(Duration.ofNanos(t3 - t2)).isGreaterThanOrEqualTo(Duration.ofMillis(390));
        assertThat(subscribers.received("retry-flaky").poll(500, TimeUnit.MILLISECONDS)).as("no fourth attempt").isNull();
    }

    /**
     * The HTTP binding's percent-encoding, both ways: the ingress decodes {@code ce-} values once, the dispatcher
     * encodes what HTTP cannot carry (a control character in an extension made a header no HTTP stack sends, so
     * the delivery failed on every attempt; found by KafkaRecordsFuzz).
     */
    @Test
    void headerValuesArePercentDecodedOnTheWayInAndEncodedOnTheWayOut() throws Exception {
        broker("pct", "default", "{}");
        URI sub = subscribers.add("pct-sub", r -> Subscribers.Response.of(202));
        trigger("pct", "t", "default", "", sub, "{}");
        assertThat(post("/pct/default", "ce-specversion", "1.0", "ce-id", "p1", "ce-source", "/s", "ce-type", "t",
                "ce-subject", "Euro %E2%82%AC%0Aline", "x")).isEqualTo(202);
        Subscribers.Received received = next("pct-sub");
        assertThat(received.headers()).containsEntry("ce-subject", "Euro %E2%82%AC%0Aline");
        assertThat(CeHeaderValues.decode(received.headers().get("ce-subject"))).isEqualTo("Euro \u20ac\nline");
    }

    static Stream<Arguments> deadLetters() {
        return Stream.of(
                Arguments.of("400 is final", Subscribers.Response.text(400, "bad payload"), 1, 400, "bad payload"),
                Arguments.of("500 is retried then dead-lettered", Subscribers.Response.text(500, "boom"), 3, 500, "boom"),
                Arguments.of("a 200 that is not a CloudEvent fails", Subscribers.Response.text(200, "<html>ok</html>"), 3, 502, "<html>ok</html>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLetters")
    void failedEventsReachTheDeadLetterSinkWithTheError(String name, Subscribers.Response answer, int attempts, int code, String body)
            throws Exception {
        String ns = "dl" + Math.abs(name.hashCode());
        URI dls = subscribers.add(ns + "-dls", r -> Subscribers.Response.of(202));
        broker(ns, "default", "{delivery: {deadLetterSink: {uri: '" + dls + "'}}}");
        URI failing = subscribers.add(ns + "-sub", r -> answer);
        trigger(ns, "t", "default", "", failing, "{retry: 2, backoffDelay: PT0.01S}");

        assertThat(post("/" + ns + "/default", event("d1", "t", "{\"keep\":true}"))).isEqualTo(202);
        CloudEvent dead = next(ns + "-dls").event();
        assertThat(subscribers.received(ns + "-sub")).hasSize(attempts);
        assertThat(dead.getId()).isEqualTo("d1");
        assertThat(new String(dead.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"keep\":true}");
        assertThat(dead.getExtension("knativeerrordest")).isEqualTo(failing.toString());
        assertThat(dead.getExtension("knativeerrorcode")).hasToString(String.valueOf(code)); // binary mode carries it as text
        assertThat(new String(Base64.getDecoder().decode((String) dead.getExtension("knativeerrordata")), StandardCharsets.UTF_8))
                .isEqualTo(body);
    }

    @Test
    void aSubscriberThatDoesNotResolveSendsItsEventsToTheDeadLetterSink() throws Exception {
        URI dls = subscribers.add("unres-dls", r -> Subscribers.Response.of(202));
        broker("unres", "default", "{delivery: {deadLetterSink: {uri: '" + dls + "'}}}");
        Trigger t = apply("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: lost, namespace: unres}
                spec:
                  broker: default
                  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: nowhere}}
                """);
        assertThat(plane.state(t).reason()).isEqualTo("SubscriberNotResolved");

        assertThat(post("/unres/default", event("u1", "t", "{\"keep\":1}"))).isEqualTo(202);
        CloudEvent dead = next("unres-dls").event();
        assertThat(dead.getId()).isEqualTo("u1");
        assertThat(dead.getExtension("knativeerrordest")).isEqualTo("ref serving.knative.dev/v1 Service unres/nowhere");
        assertThat(new String(Base64.getDecoder().decode((String) dead.getExtension("knativeerrordata")), StandardCharsets.UTF_8))
                .contains("nowhere");
    }

    @Test
    void aDurableBrokerWithoutKafkaIsNotReadyAndRefusesEvents() throws Exception {
        io.fabric8.knative.eventing.v1.Broker b = apply("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata:
                  name: default
                  namespace: nokafka
                  annotations: {eventing.knative.dev/broker.class: Kafka}
                """);
        ResourceState state = plane.state(b);
        assertThat(state.ready()).isFalse();
        assertThat(state.reason()).isEqualTo("InvalidSpec");
        assertThat(state.message()).contains("needs bootstrap.servers");
        assertThat(post("/nokafka/default", event("n1", "t", "{}"))).isEqualTo(503);
    }

    @Test
    void metricsArePerTrigger() throws Exception {
        broker("metrics", "default", "{}");
        URI ok = subscribers.add("metrics-ok", r -> Subscribers.Response.of(202));
        URI bad = subscribers.add("metrics-bad", r -> Subscribers.Response.text(400, "no"));
        trigger("metrics", "good", "default", "", ok, "{}");
        trigger("metrics", "bad", "default", "", bad, "{}");

        assertThat(post("/metrics/default", event("m1", "t", "{}"))).isEqualTo(202);
        // Two at their last hop: the Broker refuses them (400) and counts them as refused and as TTL exhausted.
        long ttlBefore = plane.metrics().ttlExhausted();
        for (String id : List.of("m2", "m3")) {
            assertThat(post("/metrics/default", "ce-specversion", "1.0", "ce-id", id, "ce-source", "/test", "ce-type", "t",
                    "ce-knativebrokerttl", "1", "Content-Type", "application/json", "{}")).isEqualTo(400);
        }
        next("metrics-ok");
        next("metrics-bad");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(plane.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(text)
                    .contains("kiln_delivery_delivered_total{namespace=\"metrics\",trigger=\"good\"} 1")
                    .contains("kiln_delivery_dropped_total{namespace=\"metrics\",trigger=\"bad\"} 1")
                    .contains("kiln_delivery_delivered_total{namespace=\"metrics\",trigger=\"bad\"} 0")
                    .contains("kiln_delivery_outcome_seconds_count{namespace=\"metrics\",trigger=\"good\"} 1");
            assertThat(text.split("# TYPE kiln_delivery_delivered_total ", -1)).as("one TYPE line per family").hasSize(2);
            assertThat(text)
                    .contains("# TYPE kiln_broker_events_total counter\n")
                    .contains("kiln_broker_events_total{namespace=\"metrics\",broker=\"default\",result=\"accepted\"} 1\n")
                    .contains("kiln_broker_events_total{namespace=\"metrics\",broker=\"default\",result=\"refused\"} 2\n")
                    .contains("# TYPE kiln_trigger_consumer_restarts_total counter\n")
                    .contains("kiln_trigger_consumer_restarts_total{namespace=\"metrics\",trigger=\"good\"} 0\n")
                    .contains("# TYPE kiln_broker_ttl_exhausted_total counter\n");
            // Other tests share the plane: its TTL counter grew by at least this test's drops.
            assertThat(text.lines().filter(l -> l.startsWith("kiln_broker_ttl_exhausted_total ")))
                    .singleElement().satisfies(l -> assertThat(Long.parseLong(l.substring(l.indexOf(' ') + 1))).isGreaterThanOrEqualTo(ttlBefore + 2));
        });
    }

    @Test
    void repliesReEnterTheBrokerAndLoopsStopAtTheTtl() throws Exception {
        broker("reply", "default", "{}");
        URI replier = subscribers.add("reply-a", r -> Subscribers.Response.event(CloudEventBuilder.v1().withId("reply-" + r.event().getId())
                .withSource(URI.create("/a")).withType("dev.kiln.answer").build()));
        URI second = subscribers.add("reply-b", r -> Subscribers.Response.of(202));
        trigger("reply", "a", "default", "filters: [{exact: {type: dev.kiln.question}}]", replier, "{}");
        trigger("reply", "b", "default", "filters: [{exact: {type: dev.kiln.answer}}]", second, "{}");

        assertThat(post("/reply/default", event("q1", "dev.kiln.question", "{}"))).isEqualTo(202);
        assertThat(next("reply-b").event().getId()).isEqualTo("reply-q1");

        // A subscriber that answers every event with one its own trigger matches: the hop count ends the loop.
        URI echo = subscribers.add("reply-loop", r -> Subscribers.Response.event(CloudEventBuilder.v1(r.event()).withId("again").build()));
        trigger("reply", "loop", "default", "filters: [{exact: {type: dev.kiln.loop}}]", echo, "{}");
        long droppedBefore = plane.metrics().ttlExhausted();
        assertThat(post("/reply/default", event("l1", "dev.kiln.loop", "{}"))).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> plane.metrics().ttlExhausted() > droppedBefore);
        // Hop counts 255 down to 1 are delivered; the reply that would carry 0 is dropped.
        assertThat(subscribers.received("reply-loop")).hasSize(Ttl.MAX);
    }

    @Test
    void aFullLaneAnswers429AndOtherTriggersKeepFlowing() throws Exception {
        broker("full", "default", "{}");
        CountDownLatch release = new CountDownLatch(1);
        URI stuck = subscribers.add("full-stuck", r -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Subscribers.Response.of(202);
        });
        URI fast = subscribers.add("full-fast", r -> Subscribers.Response.of(202));
        trigger("full", "stuck", "default", "filters: [{exact: {type: slow}}]", stuck, "{}");
        trigger("full", "fast", "default", "filters: [{exact: {type: fast}}]", fast, "{}");

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(post("/full/default", event("s" + i, "slow", "{}")));
        }
        assertThat(statuses).contains(429).startsWith(202, 202, 202, 202);
        HttpResponse<String> full = send("/full/default", event("s9", "slow", "{}"));
        assertThat(full.headers().firstValue("Retry-After")).hasValue("1");

        assertThat(post("/full/default", event("f1", "fast", "{}"))).isEqualTo(202);
        assertThat(next("full-fast").event().getId()).isEqualTo("f1");
        release.countDown();
    }

    @Test
    void aTriggerWithBadCesqlIsNotReadyAndSaysWhy() {
        ResourceState state = plane.apply(Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: broken, namespace: cesql}
                spec:
                  broker: default
                  subscriber: {uri: 'http://127.0.0.1:1/'}
                  filters: [{cesql: "type = "}]
                """));
        assertThat(state.ready()).isFalse();
        assertThat(state.reason()).isEqualTo("InvalidSpec");
        assertThat(state.message()).startsWith("spec.filters[0].cesql: does not parse as CESQL");
    }

    @Test
    void aBrokerWithAMalformedDeliveryIsNotReadyAndRefusesEvents() throws Exception {
        ResourceState state = plane.apply(Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: broken, namespace: delivery}
                spec: {delivery: {backoffDelay: 1s}}
                """));
        assertThat(state.ready()).isFalse();
        assertThat(state.message()).isEqualTo("spec.delivery.backoffDelay \"1s\" is not an ISO-8601 duration such as PT0.2S");
        assertThat(post("/delivery/broken", event("1", "t", "{}"))).isEqualTo(503);
    }

    @Test
    void sequenceChainsRepliesAndStopsOnAnEmptyOne() throws Exception {
        URI upper = subscribers.add("seq-upper", r -> {
            String data = new String(r.event().getData().toBytes(), StandardCharsets.UTF_8);
            return data.contains("stop") ? Subscribers.Response.of(202) : Subscribers.Response.event(CloudEventBuilder.v1(r.event())
                    .withId(r.event().getId() + "-1").withData("text/plain", data.toUpperCase().getBytes(StandardCharsets.UTF_8)).build());
        });
        URI exclaim = subscribers.add("seq-exclaim", r -> Subscribers.Response.event(CloudEventBuilder.v1(r.event())
                .withId(r.event().getId() + "-2").withData("text/plain", (new String(r.event().getData().toBytes(), StandardCharsets.UTF_8) + "!")
                        .getBytes(StandardCharsets.UTF_8)).build()));
        URI done = subscribers.add("seq-done", r -> Subscribers.Response.of(202));
        apply("""
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: shout, namespace: flows}
                spec:
                  steps: [{uri: '%s'}, {uri: '%s'}]
                  reply: {uri: '%s'}
                """.formatted(upper, exclaim, done));

        assertThat(post("/sequences/flows/shout", text("s1", "hello"))).isEqualTo(202);
        CloudEvent result = next("seq-done").event();
        assertThat(result.getId()).isEqualTo("s1-1-2");
        assertThat(new String(result.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("HELLO!");

        assertThat(post("/sequences/flows/shout", text("s2", "stop"))).isEqualTo(202);
        assertThat(next("seq-upper").event().getId()).isEqualTo("s1");
        assertThat(next("seq-upper").event().getId()).isEqualTo("s2");
        assertThat(subscribers.received("seq-exclaim").poll(500, TimeUnit.MILLISECONDS)).isNotNull(); // s1's
        assertThat(subscribers.received("seq-exclaim").poll(500, TimeUnit.MILLISECONDS)).as("s2 stopped after step 1").isNull();
    }

    @Test
    void parallelBranchesFilterAndReply() throws Exception {
        URI rejectAll = subscribers.add("par-filter", r -> Subscribers.Response.of(204));
        URI a = subscribers.add("par-a", r -> Subscribers.Response.event(CloudEventBuilder.v1(r.event()).withId("from-a").build()));
        URI b = subscribers.add("par-b", r -> Subscribers.Response.of(202));
        URI replies = subscribers.add("par-reply", r -> Subscribers.Response.of(202));
        apply("""
                apiVersion: flows.knative.dev/v1
                kind: Parallel
                metadata: {name: fan, namespace: flows}
                spec:
                  branches:
                  - subscriber: {uri: '%s'}
                  - filter: {uri: '%s'}
                    subscriber: {uri: '%s'}
                  reply: {uri: '%s'}
                """.formatted(a, rejectAll, b, replies));

        assertThat(post("/parallels/flows/fan", event("p1", "t", "{}"))).isEqualTo(202);
        assertThat(next("par-reply").event().getId()).isEqualTo("from-a");
        assertThat(next("par-filter").event().getId()).isEqualTo("p1");
        assertThat(subscribers.received("par-b").poll(500, TimeUnit.MILLISECONDS)).as("the filter returned nothing").isNull();
    }
}
