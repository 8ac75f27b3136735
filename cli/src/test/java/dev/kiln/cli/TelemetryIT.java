package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.testing.git.GitHttpServer;
import dev.kiln.testing.otlp.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln dev} with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set, as a user runs it, against an OTLP/HTTP receiver in
 * this test that decodes the protobuf: the plane, a source adapter and the functions' own processes export spans, and
 * their parent/child links make one trace per event across processes: source → Broker → Trigger → function, and
 * hello → Trigger → greeter (its process) → its reply → Broker → Trigger → logger (its process).
 */
class TelemetryIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void oneConnectedTraceAcrossThePlaneTheSourceAndTheFunctionProcesses() throws Exception {
        Files.createDirectories(dir.resolve("served"));
        try (OtlpReceiver otlp = new OtlpReceiver(); GitHttpServer git = new GitHttpServer(dir.resolve("served"));
                GitHttpServer.Repo repo = git.new Repo("functions.git")) {
            repo.commitTree("the greeter", ROOT.resolve("examples/functions/greeter"), "greeter");
            repo.commitTree("the logger", ROOT.resolve("examples/functions/logger"), "logger");
            Path app = Files.createDirectories(dir.resolve("app"));
            Files.writeString(app.resolve("app.yaml"), """
                    apiVersion: kiln.dev/v1alpha1
                    kind: Function
                    metadata: {name: greeter}
                    spec:
                      source: {git: {url: %1$s, contextDir: greeter}}
                      env: [{name: KILN_REPLY_TYPE, value: dev.kiln.greeting}]
                    ---
                    apiVersion: kiln.dev/v1alpha1
                    kind: Function
                    metadata: {name: logger}
                    spec:
                      source: {git: {url: %1$s, contextDir: logger}}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Broker
                    metadata: {name: default}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: hellos}
                    spec:
                      broker: default
                      filters: [{exact: {type: dev.kiln.hello}}]
                      subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: logged}
                    spec:
                      broker: default
                      filters: [{any: [{exact: {type: dev.kiln.greeting}}, {exact: {type: dev.knative.sources.ping}}]}]
                      subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}}
                    ---
                    apiVersion: sources.kiln.dev/v1alpha1
                    kind: CronSource
                    metadata: {name: ticks}
                    spec:
                      schedule: "*/2 * * * * *"
                      sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
                    """.formatted(git.url("functions.git")));
            Path out = dir.resolve("out.txt");
            Process kiln = KilnDevProcessIT.kiln(app, out, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "200"),
                    "dev", ".", "--port", "0");
            try {
                await().atMost(Duration.ofMinutes(4)).until(() -> Files.readString(out).lines()
                        .filter(l -> l.startsWith("Function default/") && l.contains("ready")).count() == 2);
                String state = app.resolve(".kiln").toString();
                assertThat(Kiln.commandLine().execute("send", "--type", "dev.kiln.hello", "--data", "{\"name\":\"Ada\"}", "--id", "otel-1",
                        "--state", state)).isEqualTo(Kiln.OK);

                // hello → Trigger hellos → the greeter's process → its reply → Broker → Trigger logged → the logger's process
                await().atMost(Duration.ofSeconds(90)).until(() -> span(otlp, s -> s.service().equals("logger")
                        && "dev.kiln.greeting".equals(s.attributes().get("cloudevents.type"))).isPresent());
                OtlpReceiver.Span ingress = span(otlp, s -> s.name().equals("broker:default.default receive")
                        && "otel-1".equals(s.attributes().get("messaging.message.id"))).orElseThrow();
                String trace = ingress.traceId();
                // Each process exports on its own schedule: wait for the greeter's too.
                await().atMost(Duration.ofSeconds(30)).until(() -> span(otlp, s -> s.traceId().equals(trace) && s.service().equals("greeter")).isPresent());
                List<OtlpReceiver.Span> spans = otlp.spans().stream().filter(s -> s.traceId().equals(trace)).toList();
                OtlpReceiver.Span hellos = one(spans, s -> s.name().equals("trigger:hellos.default send"));
                OtlpReceiver.Span greeter = one(spans, s -> s.service().equals("greeter"));
                OtlpReceiver.Span reply = one(spans, s -> s.name().equals("trigger:hellos.default process"));
                OtlpReceiver.Span again = one(spans, s -> s.name().equals("broker:default.default receive") && s != ingress
                        && "dev.kiln.greeting".equals(s.attributes().get("cloudevents.type")));
                OtlpReceiver.Span logged = one(spans, s -> s.name().equals("trigger:logged.default send"));
                OtlpReceiver.Span logger = one(spans, s -> s.service().equals("logger"));
                assertThat(ingress.service()).isEqualTo("kiln-eventing");
                assertThat(hellos.parentSpanId()).isEqualTo(ingress.spanId());
                assertThat(greeter.parentSpanId()).as("the greeter's process continues the Trigger's delivery").isEqualTo(hellos.spanId());
                assertThat(greeter.name()).isEqualTo("greeter process");
                assertThat(reply.parentSpanId()).as("the reply was caused by the greeter's span").isEqualTo(greeter.spanId());
                assertThat(again.parentSpanId()).isEqualTo(reply.spanId());
                assertThat(logged.parentSpanId()).isEqualTo(again.spanId());
                assertThat(logger.parentSpanId()).as("the logger's process continues its delivery").isEqualTo(logged.spanId());
                assertThat(spans.stream().map(OtlpReceiver.Span::service).collect(Collectors.toSet()))
                        .as("one trace across three processes' exporters").contains("kiln-eventing", "greeter", "logger");

                // a tick → the Broker → Trigger logged → the logger's process, under the cron adapter's span
                await().atMost(Duration.ofSeconds(60)).until(() -> span(otlp, s -> s.service().equals("logger")
                        && "dev.knative.sources.ping".equals(s.attributes().get("cloudevents.type"))).isPresent());
                OtlpReceiver.Span tick = span(otlp, s -> s.service().equals("logger")
                        && "dev.knative.sources.ping".equals(s.attributes().get("cloudevents.type"))).orElseThrow();
                await().atMost(Duration.ofSeconds(30)).until(() -> span(otlp, s -> s.traceId().equals(tick.traceId())
                        && s.service().equals("kiln-source-cron")).isPresent());
                List<OtlpReceiver.Span> tickTrace = otlp.spans().stream().filter(s -> s.traceId().equals(tick.traceId())).toList();
                OtlpReceiver.Span source = one(tickTrace, s -> s.service().equals("kiln-source-cron"));
                assertThat(source.name()).isEqualTo("cronsource:ticks.default send");
                assertThat(source.parentSpanId()).as("the source starts the journey").isEmpty();
                OtlpReceiver.Span tickIngress = one(tickTrace, s -> s.name().equals("broker:default.default receive"));
                assertThat(tickIngress.parentSpanId()).isEqualTo(source.spanId());
                assertThat(one(tickTrace, s -> s.name().equals("trigger:logged.default send")).spanId()).isEqualTo(tick.parentSpanId());
            } finally {
                kiln.destroy();
                if (!kiln.waitFor(60, TimeUnit.SECONDS)) {
                    kiln.destroyForcibly();
                }
            }
        }
    }

    static Optional<OtlpReceiver.Span> span(OtlpReceiver otlp, Predicate<OtlpReceiver.Span> which) {
        return otlp.spans().stream().filter(which).findFirst();
    }

    static OtlpReceiver.Span one(List<OtlpReceiver.Span> spans, Predicate<OtlpReceiver.Span> which) {
        List<OtlpReceiver.Span> found = spans.stream().filter(which).toList();
        assertThat(found).as("in " + spans).hasSize(1);
        return found.get(0);
    }
}
