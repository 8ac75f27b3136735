package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.function.fixtures.Greeter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function process with and without {@code OTEL_EXPORTER_OTLP_ENDPOINT}: with it, each event is a span, a child of
 * the caller's {@code traceparent}, sent as OTLP/HTTP protobuf, and the reply carries that span; without it, not one
 * OpenTelemetry class is loaded (the JVM's own class-load log says so), so start-up does not grow.
 */
class TelemetryIT {

    static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @TempDir
    Path dir;

    record Run(HttpResponse<String> answer, List<String> classes) {
    }

    Run run(Map<String, String> env) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path classes = dir.resolve("classes-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"), "dev.kiln.function.runtime.FunctionMain")
                .redirectErrorStream(true).redirectOutput(dir.resolve("function-" + port + ".log").toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("KILN_HOST", "127.0.0.1");
        pb.environment().put("KILN_FUNCTION", Greeter.class.getName());
        pb.environment().put("KILN_FUNCTION_NAME", "greeter");
        pb.environment().putAll(env);
        Process process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(base.resolve("/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/")).header("ce-specversion", "1.0").header("ce-id", "t1")
                    .header("ce-source", "/t").header("ce-type", "dev.kiln.hello").header("Content-Type", "application/json").header("traceparent", CALLER)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")).build(), HttpResponse.BodyHandlers.ofString());
            process.destroy(); // SIGTERM: the drain exports what is left
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new Run(answer, Files.readAllLines(classes));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void withoutTheVariableNoOpenTelemetryClassIsLoaded() throws Exception {
        Run run = run(Map.of());
        assertThat(run.answer().statusCode()).isEqualTo(200);
        assertThat(run.answer().headers().firstValue("ce-traceparent")).as("the reply carries the caller's context on").hasValue(CALLER);
        assertThat(run.classes()).as("the class-load log is there").anyMatch(l -> l.contains("dev.kiln.function.runtime.FunctionServer"));
        assertThat(run.classes()).noneMatch(l -> l.contains("io.opentelemetry.")).noneMatch(l -> l.contains("dev.kiln.function.runtime.OtelSpans"));
    }

    @Test
    void withTheVariableEachEventIsASpanUnderTheCallersAndTheReplyCarriesIt() throws Exception {
        List<Span> spans = new CopyOnWriteArrayList<>();
        List<String> services = new CopyOnWriteArrayList<>();
        HttpServer otlp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        otlp.createContext("/v1/traces", ex -> {
            try (ex) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes());
                request.getResourceSpansList().forEach(rs -> {
                    rs.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
                            .forEach(kv -> services.add(kv.getValue().getStringValue()));
                    rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList()));
                });
                ex.sendResponseHeaders(200, -1);
            }
        });
        otlp.start();
        try {
            Run run = run(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + otlp.getAddress().getPort()));
            assertThat(run.answer().statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !spans.isEmpty());
            assertThat(spans).as("the warm-up event is not traced").hasSize(1);
            Span span = spans.get(0);
            HexFormat hex = HexFormat.of();
            assertThat(hex.formatHex(span.getTraceId().toByteArray())).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(hex.formatHex(span.getParentSpanId().toByteArray())).as("a child of the caller's span").isEqualTo("00f067aa0ba902b7");
            assertThat(span.getName()).isEqualTo("greeter process");
            assertThat(span.getAttributesList()).anySatisfy(kv -> {
                assertThat(kv.getKey()).isEqualTo("messaging.message.id");
                assertThat(kv.getValue().getStringValue()).isEqualTo("t1");
            });
            assertThat(services).contains("greeter");
            assertThat(run.answer().headers().firstValue("ce-traceparent")).as("the reply carries the function's span")
                    .hasValue("00-4bf92f3577b34da6a3ce929d0e0e4736-" + hex.formatHex(span.getSpanId().toByteArray()) + "-01");
            assertThat(run.classes()).anyMatch(l -> l.contains("io.opentelemetry.sdk."));
        } finally {
            otlp.stop(0);
        }
    }
}
