package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link Spans} on the OpenTelemetry SDK, configured from {@code OTEL_*} by its autoconfigure (traces only, OTLP over
 * {@code http/protobuf} unless configured otherwise). Each event is a {@code process} span of the messaging conventions
 * Knative's data plane uses ({@code messaging.system=knative}, the message id, the event's {@code cloudevents.*}), a
 * child of the delivery that sent it. Loaded by name from {@link Spans#fromEnvironment} only.
 */
final class OtelSpans implements Spans {

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
    private final String function;

    OtelSpans(String function) {
        this.function = function;
        this.sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none",
                        "otel.exporter.otlp.protocol", "http/protobuf", "otel.service.name", function))
                .disableShutdownHook() // the drain closes it, after the last event
                .build().getOpenTelemetrySdk();
        this.tracer = sdk.getTracer("dev.kiln.function");
    }

    @Override
    public EventSpan start(String traceparent, CloudEvent event) {
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder(function + " process").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "knative").setAttribute("messaging.operation.name", "process")
                .setAttribute("messaging.destination.name", function).setAttribute("messaging.message.id", event.getId())
                .setAttribute("cloudevents.type", event.getType()).setAttribute("cloudevents.source", event.getSource().toString())
                .startSpan();
        SpanContext c = span.getSpanContext();
        String own = "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
        return new EventSpan() {
            @Override
            public String traceparent() {
                return own;
            }

            @Override
            public void end(int status, String error) {
                span.setAttribute("http.response.status_code", status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR, error == null ? "status " + status : error);
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
