package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * A span per event a function processes, when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) is set. This interface names no OpenTelemetry type, and its implementation
 * ({@code OtelSpans}) is loaded by name only then: a function that does not trace loads no OpenTelemetry class, so its
 * start-up does not grow (TelemetryIT checks the classes loaded).
 */
interface Spans extends AutoCloseable {

    /** The implementation, loaded by name only when the environment asks for it. */
    String IMPLEMENTATION = "dev.kiln.function.runtime.OtelSpans";

    /**
     * Starts an event's span, a child of the caller's.
     *
     * @param traceparent the caller's {@code traceparent} (the HTTP header, else the event's extension), or null
     * @param event the event
     * @return the span, started
     */
    EventSpan start(String traceparent, CloudEvent event);

    /** Exports what is left and stops. */
    @Override
    void close();

    /**
     * @param env the environment
     * @param function the function's name, {@code service.name} unless {@code OTEL_SERVICE_NAME} says otherwise
     * @return the spans, or null when the environment asks for none ({@code OTEL_SDK_DISABLED=true} or
     *     {@code OTEL_TRACES_EXPORTER=none} keep them off too)
     * @throws IllegalStateException when they are asked for but cannot start (the OpenTelemetry jars are missing)
     */
    static Spans fromEnvironment(Map<String, String> env, String function) {
        boolean endpoint = notBlank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || notBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        if (!endpoint || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED")) || "none".equalsIgnoreCase(env.get("OTEL_TRACES_EXPORTER"))) {
            return null;
        }
        try {
            return (Spans) Class.forName(IMPLEMENTATION).getDeclaredConstructor(String.class).newInstance(function);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry could not start: " + e, e);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
