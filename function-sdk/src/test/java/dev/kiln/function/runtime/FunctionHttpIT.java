package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;
import dev.kiln.function.FunctionConfig;
import dev.kiln.function.fixtures.Greeter;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The runtime over real HTTP on 127.0.0.1: every mode and status code. One server for the class. */
class FunctionHttpIT {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static FunctionServer server;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = FunctionServer.start(new Greeter(), FunctionConfig.fromEnv(Map.of("PORT", "0",
                "KILN_TIMEOUT_SECONDS", "1", "KILN_MAX_BODY_BYTES", "4096"), Greeter.class), "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        server.drain();
    }

    static Stream<Arguments> requests() {
        String binaryHello = "ce-specversion:1.0|ce-id:1|ce-source:/t|ce-type:dev.kiln.hello|Content-Type:application/json";
        return Stream.of(
                arguments("binary reply", binaryHello, "{\"name\":\"ada\"}", 200),
                arguments("binary no reply", binaryHello, "{\"name\":\"nobody\"}", 202),
                arguments("structured reply", "Content-Type:application/cloudevents+json",
                        "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"datacontenttype\":\"application/json\",\"data\":{\"name\":\"bo\"}}", 200),
                arguments("batch reply", "Content-Type:application/cloudevents-batch+json",
                        "[{\"specversion\":\"1.0\",\"id\":\"3\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"a\"}},"
                                + "{\"specversion\":\"1.0\",\"id\":\"4\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"nobody\"}}]", 200),
                arguments("batch without replies", "Content-Type:application/cloudevents-batch+json",
                        "[{\"specversion\":\"1.0\",\"id\":\"5\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"nobody\"}}]", 202),
                arguments("binary missing id", "ce-specversion:1.0|ce-source:/t|ce-type:dev.kiln.hello|Content-Type:application/json", "{}", 400),
                arguments("binary missing specversion", "ce-id:1|ce-source:/t|ce-type:dev.kiln.hello|Content-Type:application/json", "{}", 400),
                arguments("binary bad specversion", "ce-specversion:9.9|ce-id:1|ce-source:/t|ce-type:dev.kiln.hello", "{}", 400),
                arguments("structured not json", "Content-Type:application/cloudevents+json", "{not json", 400),
                arguments("batch not an array", "Content-Type:application/cloudevents-batch+json", "{}", 400),
                arguments("batch with a bad event", "Content-Type:application/cloudevents-batch+json", "[{\"specversion\":\"1.0\"}]", 400),
                arguments("payload does not bind", binaryHello, "[1]", 400),
                arguments("plain json is not an event", "Content-Type:application/json", "{\"name\":\"x\"}", 415),
                arguments("structured xml format", "Content-Type:application/cloudevents+xml", "<e/>", 415),
                arguments("binary xml data", "ce-specversion:1.0|ce-id:1|ce-source:/t|ce-type:dev.kiln.hello|Content-Type:application/xml", "<a/>", 415),
                arguments("type not accepted", "ce-specversion:1.0|ce-id:1|ce-source:/t|ce-type:dev.kiln.other|Content-Type:application/json", "{\"name\":\"x\"}", 404),
                arguments("function throws", binaryHello, "{\"name\":\"boom\"}", 500),
                arguments("function rejects the event", binaryHello, "{\"name\":\"\"}", 400),
                arguments("deadline exceeded", binaryHello, "{\"name\":\"sleep2500\"}", 504),
                arguments("body too large", binaryHello, "{\"name\":\"" + "x".repeat(5000) + "\"}", 413));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("requests")
    void answers(String name, String headers, String body, int status) throws Exception {
        HttpResponse<String> r = post(headers, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (status >= 400) {
            assertThat(r.body()).as("errors say why").isNotBlank();
        }
        if (status == 202) {
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void binaryReplyIsBinaryWithNewIdAndConfiguredTypeAndTrace() throws Exception {
        HttpResponse<String> r = post("ce-specversion:1.0|ce-id:in-1|ce-source:/t|ce-type:dev.kiln.hello|Content-Type:application/json"
                + "|traceparent:" + TRACEPARENT + "|X-Secret:do-not-echo", "{\"name\":\"ada\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("ce-type")).hasValue("dev.kiln.function.greeter.reply");
        assertThat(r.headers().firstValue("ce-source")).hasValue("/functions/greeter");
        assertThat(r.headers().firstValue("ce-id")).isPresent().get().isNotEqualTo("in-1");
        assertThat(r.headers().firstValue("ce-subject")).hasValue("ada");
        assertThat(r.headers().firstValue("ce-traceparent")).hasValue(TRACEPARENT);
        assertThat(r.headers().firstValue("traceparent")).hasValue(TRACEPARENT);
        assertThat(r.headers().firstValue("x-secret")).isEmpty();
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"message\":\"Hello, ada\"}");
    }

    @Test
    void structuredReplyIsStructured() throws Exception {
        HttpResponse<String> r = post("Content-Type:application/cloudevents+json",
                "{\"specversion\":\"1.0\",\"id\":\"s1\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"bo\"}}");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/cloudevents+json");
        assertThat(r.body()).contains("\"type\":\"dev.kiln.function.greeter.reply\"").contains("\"message\":\"Hello, bo\"");
    }

    @Test
    void batchReplyHoldsOneReplyPerEventThatReplied() throws Exception {
        HttpResponse<String> r = post("Content-Type:application/cloudevents-batch+json",
                "[{\"specversion\":\"1.0\",\"id\":\"b1\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"a\"}},"
                        + "{\"specversion\":\"1.0\",\"id\":\"b2\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"nobody\"}},"
                        + "{\"specversion\":\"1.0\",\"id\":\"b3\",\"source\":\"/t\",\"type\":\"dev.kiln.hello\",\"data\":{\"name\":\"c\"}}]");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/cloudevents-batch+json");
        assertThat(r.body()).startsWith("[").contains("Hello, a").contains("Hello, c").doesNotContain("nobody");
    }

    @Test
    void healthAndMethodsAndPaths() throws Exception {
        assertThat(get("/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/").statusCode()).isEqualTo(405);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    /** A server of its own, so the counts are exact: the warm-up is not counted, the first real event is cold. */
    @Test
    void metricsSkipTheWarmupCountColdOnceThenWarm() throws Exception {
        WarmupRecorder function = new WarmupRecorder();
        try (FunctionServer own = FunctionServer.start(function, FunctionConfig.fromEnv(Map.of("PORT", "0"), WarmupRecorder.class), "127.0.0.1")) {
            assertThat(function.warmups).as("warm-up ran through the function").hasValue(1);
            String before = get(own, "/metrics");
            assertThat(before).contains("kiln_function_ready 1").contains("kiln_function_startup_seconds ")
                    .doesNotContain("kiln_function_invocations_total{");

            String event = "ce-specversion:1.0|ce-id:m|ce-source:/t|ce-type:t|Content-Type:text/plain";
            post(own, event, "one");
            String afterOne = get(own, "/metrics");
            assertThat(afterOne).contains("kiln_function_invocations_total{outcome=\"success\",start=\"cold\",code=\"202\"} 1")
                    .doesNotContain("start=\"warm\"");

            post(own, event, "two");
            post(own, event, "three");
            assertThat(get(own, "/metrics"))
                    .contains("kiln_function_invocations_total{outcome=\"success\",start=\"cold\",code=\"202\"} 1")
                    .contains("kiln_function_invocations_total{outcome=\"success\",start=\"warm\",code=\"202\"} 2")
                    .contains("kiln_function_invocation_duration_seconds_count{start=\"warm\"} 2");
        }
    }

    /** The warm-up event a function chooses reaches it whole: subject and extensions included. */
    @Test
    void customWarmupEventArrivesWithAllItsAttributes() throws Exception {
        WarmupRecorder function = new WarmupRecorder();
        try (FunctionServer own = FunctionServer.start(function, FunctionConfig.fromEnv(Map.of("PORT", "0"), WarmupRecorder.class), "127.0.0.1")) {
            CloudEvent seen = function.lastWarmup.get();
            assertThat(seen.getSubject()).isEqualTo("warm");
            assertThat(seen.getExtension("tenant")).isEqualTo("acme");
            assertThat(new String(seen.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("ping");
        }
    }

    /** Raw-event function that records its warm-up calls and never replies. */
    static final class WarmupRecorder implements CloudFunction<CloudEvent, Void> {
        final AtomicInteger warmups = new AtomicInteger();
        final AtomicReference<CloudEvent> lastWarmup = new AtomicReference<>();

        @Override
        public Void apply(CloudEvent input, Context context) {
            if (context.isWarmup()) {
                warmups.incrementAndGet();
                lastWarmup.set(input);
            }
            return null;
        }

        @Override
        public CloudEvent warmupEvent(FunctionConfig config) {
            return CloudEventBuilder.v1().withId("w").withSource(URI.create("/w")).withType("t").withSubject("warm")
                    .withExtension("tenant", "acme").withData("text/plain", "ping".getBytes(StandardCharsets.UTF_8)).build();
        }
    }

    /**
     * An event that arrives while the start-up warm-up runs waits for it and never runs beside it: racing, both paid
     * the same first-use work at once (the JDK server's time-zone names were loaded twice; issue 22). The warm-up
     * holds for 1 s unless a real event reaches the function first, and the invocation timeout (3 s) bounds the wait.
     */
    @Test
    void anEventBeforeReadinessWaitsForTheWarmUpInsteadOfRacingIt() throws Exception {
        HoldingWarmup function = new HoldingWarmup();
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        FunctionConfig config = FunctionConfig.fromEnv(Map.of("PORT", String.valueOf(port), "KILN_TIMEOUT_SECONDS", "3"),
                HoldingWarmup.class);
        java.util.concurrent.CompletableFuture<FunctionServer> starting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return FunctionServer.start(function, config, "127.0.0.1");
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(function.warmupStarted.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the warm-up started").isTrue();
        HttpResponse<String> early = post(port, "ce-specversion:1.0|ce-id:early|ce-source:/t|ce-type:t", "");
        try (FunctionServer own = starting.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
            assertThat(function.ranBesideTheWarmup).as("a real event ran while the warm-up did").isFalse();
            assertThat(early.statusCode()).as(early.body()).isEqualTo(202);
            assertThat(post(own, "ce-specversion:1.0|ce-id:late|ce-source:/t|ce-type:t", "").statusCode()).isEqualTo(202);
        }
    }

    /** Raw-event function whose warm-up holds for 1 s, or until a real event reaches it. */
    static final class HoldingWarmup implements CloudFunction<CloudEvent, Void> {
        final java.util.concurrent.CountDownLatch warmupStarted = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch realEvent = new java.util.concurrent.CountDownLatch(1);
        volatile boolean warmingUp;
        volatile boolean ranBesideTheWarmup;

        @Override
        public Void apply(CloudEvent input, Context context) throws Exception {
            if (context.isWarmup()) {
                warmingUp = true;
                warmupStarted.countDown();
                realEvent.await(1, java.util.concurrent.TimeUnit.SECONDS);
                warmingUp = false; // before the warm-up's answer, so before readiness
            } else {
                ranBesideTheWarmup |= warmingUp;
                realEvent.countDown();
            }
            return null;
        }
    }

    @Test
    void deadlineIsAnsweredEvenWhenTheFunctionIgnoresTheInterrupt() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .timeout(java.time.Duration.ofSeconds(4)) // the function spins for 6 s; the deadline is 1 s
                .header("ce-specversion", "1.0").header("ce-id", "spin").header("ce-source", "/t")
                .header("ce-type", "dev.kiln.hello").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"spin6000\"}")).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("did not finish within 1s");
    }

    private static HttpResponse<String> post(String headers, String body) throws Exception {
        return post(server, headers, body);
    }

    private static HttpResponse<String> post(FunctionServer target, String headers, String body) throws Exception {
        return post(target.port(), headers, body);
    }

    private static HttpResponse<String> post(int port, String headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String h : headers.split("\\|")) {
            int colon = h.indexOf(':');
            b.header(h.substring(0, colon), h.substring(colon + 1));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(FunctionServer target, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
