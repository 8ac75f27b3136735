package dev.kiln.sources.send;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link SendSpans} on the OpenTelemetry SDK, configured from the adapter's {@code OTEL_*} variables by autoconfigure
 * (traces only, OTLP over {@code http/protobuf} unless configured otherwise). Each send is a {@code send} span of the
 * messaging conventions Knative uses ({@code messaging.system=knative}, the destination, the message id). Loaded by name
 * from {@link SendSpans#fromEnvironment} only.
 */
public final class OtelSendSpans implements SendSpans {

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final String destination;

    /**
     * @param env the adapter's environment
     * @param kind github, gitlab, kafka or cron
     * @param namespace the source's namespace
     * @param name the source's name
     */
    public OtelSendSpans(Map<String, String> env, String kind, String namespace, String name) {
        this.destination = kind + "source:" + name + "." + namespace;
        Map<String, String> properties = new HashMap<>();
        properties.put("otel.metrics.exporter", "none");
        properties.put("otel.logs.exporter", "none");
        properties.put("otel.exporter.otlp.protocol", "http/protobuf");
        properties.put("otel.service.name", "kiln-source-" + kind);
        // kiln dev runs adapters in its own process with their own environment: that one counts, not the process's.
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                properties.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        this.sdk = AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> properties).disableShutdownHook().build()
                .getOpenTelemetrySdk();
        this.tracer = sdk.getTracer("dev.kiln.sources");
    }

    @Override
    public SendSpan start(CloudEvent event, URI sink) {
        Object incoming = event.getExtension("traceparent");
        Context parent = incoming == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), incoming.toString(), TRACEPARENT);
        Span span = tracer.spanBuilder(destination + " send").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "knative").setAttribute("messaging.operation.name", "send")
                .setAttribute("messaging.destination.name", destination).setAttribute("messaging.message.id", event.getId())
                .setAttribute("cloudevents.type", event.getType()).setAttribute("cloudevents.source", event.getSource().toString())
                .setAttribute("url.full", sink.toString()).startSpan();
        SpanContext c = span.getSpanContext();
        String own = "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
        return new SendSpan() {
            @Override
            public String traceparent() {
                return own;
            }

            @Override
            public void end(boolean accepted, int status, String detail) {
                span.setAttribute("http.response.status_code", status);
                if (!accepted) {
                    span.setStatus(StatusCode.ERROR, detail);
                }
                span.end();
            }
        };
    }

    @Override
    public void close() {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
