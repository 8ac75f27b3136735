package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.testing.kafka.KafkaBroker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable Brokers against a real KRaft Kafka broker (one for the class): events go through the topic, survive
 * a restart while undelivered, and survive a SIGKILL of the plane's process mid-stream.
 */
class DurableBrokerIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static Subscribers subscribers;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        subscribers = new Subscribers();
    }

    @AfterAll
    static void stop() {
        subscribers.close();
    }

    static String manifests(String ns, URI subscriber, String triggerDelivery) {
        return """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata:
                  name: default
                  namespace: %1$s
                  annotations: {eventing.knative.dev/broker.class: Kafka}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: orders, namespace: %1$s}
                spec:
                  broker: default
                  filters: [{prefix: {type: dev.kiln.order}}]
                  subscriber: {uri: '%2$s'}
                  delivery: %3$s
                """.formatted(ns, subscriber, triggerDelivery);
    }

    static void applyAll(EventingPlane plane, String yaml) {
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            HasMetadata resource = Serialization.unmarshal(doc);
            assertThat(plane.apply(resource).ready()).as(resource.getKind() + " " + plane.state(resource)).isTrue();
        }
    }

    static int post(int port, String ns, String id, String type) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + ns + "/default"))
                .timeout(Duration.ofSeconds(10))
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/test").header("ce-type", type)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}")).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void acceptedEventsAreInTheTopicInBinaryModeAndReachTheSubscriber() throws Exception {
        URI sub = subscribers.add("durable-basic", r -> Subscribers.Response.of(202));
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, manifests("basic", sub, "{}"));
            assertThat(post(plane.port(), "basic", "b1", "dev.kiln.order.created")).isEqualTo(202);
            assertThat(post(plane.port(), "basic", "b2", "dev.kiln.other")).isEqualTo(202);

            CloudEvent delivered = subscribers.received("durable-basic").poll(20, TimeUnit.SECONDS).event();
            assertThat(delivered.getId()).isEqualTo("b1");
            assertThat(delivered.getExtension("knativebrokerttl")).as("stripped before delivery").isNull();
            assertThat(subscribers.received("durable-basic").poll(1, TimeUnit.SECONDS)).as("b2 does not match the filter").isNull();

            List<ConsumerRecord<String, byte[]>> records = readTopic("knative-broker-basic-default", 2);
            CloudEvent stored = KafkaMessageFactory.createReader(records.get(0)).toEvent();
            assertThat(records.get(0).headers().lastHeader("ce_id").value()).isEqualTo("b1".getBytes(StandardCharsets.UTF_8));
            assertThat(stored.getExtension("knativearrivaltime")).isNotNull();
            assertThat(new String(stored.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"b1\"}");
        }
    }

    @Test
    void eventsNotYetDeliveredWhenThePlaneStopsAreDeliveredAfterARestart() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        URI sub = subscribers.add("durable-restart", r -> up.get() ? Subscribers.Response.of(202) : Subscribers.Response.of(503));
        String yaml = manifests("restart", sub, "{retry: 1000, backoffPolicy: linear, backoffDelay: PT0.1S}");
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, yaml);
            for (int i = 0; i < 10; i++) {
                assertThat(post(plane.port(), "restart", "r" + i, "dev.kiln.order")).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> subscribers.received("durable-restart").size() >= 10);
        } // stopped while every event is still being retried: none of them is final, so none is committed
        up.set(true);
        subscribers.received("durable-restart").clear();
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, yaml);
            Set<String> ids = ConcurrentHashMap.newKeySet();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Subscribers.Received r;
                while ((r = subscribers.received("durable-restart").poll()) != null) {
                    if (r.headers().containsKey("ce-id")) {
                        ids.add(r.event().getId());
                    }
                }
                return ids.size() == 10;
            });
        }
    }

    @Test
    @Timeout(180)
    void aKilledPlaneLosesNoAcceptedEvent(@TempDir Path dir) throws Exception {
        // Every event fails once (503) and succeeds on its retry 200 ms later, so at any moment many events are
        // accepted but not yet delivered: exactly the ones a crash would lose if offsets were committed early.
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        Set<String> received = ConcurrentHashMap.newKeySet();
        URI sub = subscribers.add("durable-kill", r -> {
            if (attempted.add(r.event().getId())) {
                return Subscribers.Response.of(503);
            }
            received.add(r.event().getId());
            return Subscribers.Response.of(202);
        });
        Path yaml = Files.writeString(dir.resolve("plane.yaml"), manifests("kill", sub, "{retry: 5, backoffPolicy: linear, backoffDelay: PT0.2S, timeout: PT2S}"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        int total = 200;
        Path logs = Files.createDirectories(Path.of("target", "durable-kill"));
        Process plane = startPlane(port, yaml, logs.resolve("first.log"));
        int acceptedAtKill = -1;
        int receivedAtKill = -1;
        try {
            for (int i = 0; i < total; i++) {
                String id = "k" + i;
                // A well-behaved source: retry until the Broker accepts (202); only then is the event the Broker's.
                while (true) {
                    int status;
                    try {
                        status = post(port, "kill", id, "dev.kiln.order");
                    } catch (java.io.IOException e) {
                        status = 0;
                    }
                    if (status == 202) {
                        accepted.add(id);
                        break;
                    }
                    Thread.sleep(50);
                }
                if (i == total / 2) {
                    acceptedAtKill = accepted.size();
                    receivedAtKill = received.size();
                    plane.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no final commit
                    plane = startPlane(port, yaml, logs.resolve("second.log"));
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(received).containsAll(accepted));
        } finally {
            plane.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(accepted).hasSize(total);
        assertThat(receivedAtKill).as("the kill came while accepted events were still undelivered").isLessThan(acceptedAtKill);
    }

    private static Process startPlane(int port, Path manifests, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PlaneProcess.class.getName(),
                String.valueOf(port), KAFKA.bootstrapServers(), manifests.toString(), "8")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        // PlaneProcess prints READY, or FAILED and exits; the test's own timeout bounds a hang.
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.equals("READY")) {
                Thread copier = new Thread(() -> {
                    try {
                        Files.write(log, out.lines().toList()); // drain, so the child never blocks on a full pipe
                    } catch (Exception ignored) {
                        // the process was killed
                    }
                });
                copier.setDaemon(true);
                copier.start();
                return p;
            }
        }
        throw new IllegalStateException("the plane process exited without READY:\n" + seen);
    }

    private static List<ConsumerRecord<String, byte[]>> readTopic(String topic, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort(java.util.Comparator.comparing(r -> new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)));
        return records;
    }

    /**
     * A Sequence on KafkaChannels: step 1's output is in Kafka before step 1's input is committed, so a plane that
     * stops while step 2 is failing delivers step 1's output to step 2 after the restart, without running step 1
     * again. In memory (the old hand-offs) the event was gone with the plane.
     */
    @Test
    void aKafkaChannelSequenceKeepsEachStepsOutputAcrossARestart() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        URI first = subscribers.add("flow-first", r -> Subscribers.Response.event(CloudEventBuilder.v1(r.event()).withType("step1.done").build()));
        URI second = subscribers.add("flow-second", r -> up.get() ? Subscribers.Response.of(202) : Subscribers.Response.of(503));
        String yaml = """
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: steps, namespace: flow}
                spec:
                  channelTemplate: {apiVersion: messaging.knative.dev/v1beta1, kind: KafkaChannel, spec: {numPartitions: 1}}
                  steps:
                    - uri: "%s"
                    - uri: "%s"
                      delivery: {retry: 1000, backoffPolicy: linear, backoffDelay: PT0.1S}
                """.formatted(first, second);
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, yaml);
            for (int i = 0; i < 5; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.port() + "/sequences/flow/steps"))
                        .header("ce-specversion", "1.0").header("ce-id", "f" + i).header("ce-source", "/it").header("ce-type", "start")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                assertThat(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.received("flow-first").size() >= 5
                    && subscribers.received("flow-second").size() >= 5);
        } // stopped while step 2 fails every event: step 1 is done and committed, step 2's inputs are not
        int firstRuns = subscribers.received("flow-first").size();
        up.set(true);
        subscribers.received("flow-second").clear();
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, yaml);
            java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Subscribers.Received r;
                while ((r = subscribers.received("flow-second").poll()) != null) {
                    if (r.event().getType().equals("step1.done")) {
                        ids.add(r.event().getId());
                    }
                }
                return ids.size() == 5;
            });
            assertThat(ids).containsExactlyInAnyOrder("f0", "f1", "f2", "f3", "f4");
            assertThat(subscribers.received("flow-first")).as("step 1 did not run again").hasSize(firstRuns);
        }
    }

    /** A Parallel on a KafkaChannel: a branch whose subscriber is down when the plane stops gets its events after the restart. */
    @Test
    void aKafkaChannelParallelBranchGetsItsEventsAfterARestart() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        URI healthy = subscribers.add("par-healthy", r -> Subscribers.Response.of(202));
        URI down = subscribers.add("par-down", r -> up.get() ? Subscribers.Response.of(202) : Subscribers.Response.of(503));
        String yaml = """
                apiVersion: flows.knative.dev/v1
                kind: Parallel
                metadata: {name: fan, namespace: flow}
                spec:
                  channelTemplate: {apiVersion: messaging.knative.dev/v1beta1, kind: KafkaChannel}
                  branches:
                    - subscriber: {uri: "%s"}
                    - subscriber: {uri: "%s"}
                      delivery: {retry: 1000, backoffPolicy: linear, backoffDelay: PT0.1S}
                """.formatted(healthy, down);
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, yaml);
            for (int i = 0; i < 3; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.port() + "/parallels/flow/fan"))
                        .header("ce-specversion", "1.0").header("ce-id", "p" + i).header("ce-source", "/it").header("ce-type", "fan")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                assertThat(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.received("par-healthy").size() >= 3
                    && subscribers.received("par-down").size() >= 3);
        }
        int healthyRuns = subscribers.received("par-healthy").size();
        up.set(true);
        subscribers.received("par-down").clear();
        try (EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(KAFKA.bootstrapServers()))) {
            applyAll(plane, yaml);
            Set<String> ids = ConcurrentHashMap.newKeySet();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Subscribers.Received r;
                while ((r = subscribers.received("par-down").poll()) != null) {
                    ids.add(r.event().getId());
                }
                return ids.size() == 3;
            });
            assertThat(ids).containsExactlyInAnyOrder("p0", "p1", "p2");
            assertThat(subscribers.received("par-healthy")).as("the healthy branch committed its events: not delivered again").hasSize(healthyRuns);
        }
    }
}
