package dev.kiln.eventing.journey;

import java.util.Map;

/**
 * Where finished steps go besides the journal: OpenTelemetry, when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set. The
 * exporter's class (and the OpenTelemetry SDK behind it) is loaded only then, by name, so a plane without the
 * variable never loads it.
 */
public interface SpanExport extends AutoCloseable {

    /** The implementation, loaded by name only when the environment asks for it. */
    String OTLP = "dev.kiln.eventing.otel.OtlpSpanExport";

    /** @param step a finished step, exported as a span */
    void export(Step step);

    /** Exports what is queued and stops. */
    @Override
    void close();

    /**
     * @param env the environment ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}
     *     turns export on; {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none} keeps it off)
     * @param serviceName the {@code service.name} when {@code OTEL_SERVICE_NAME} does not set one
     * @return the exporter, or null when the environment does not ask for one
     */
    static SpanExport fromEnvironment(Map<String, String> env, String serviceName) {
        if (!wanted(env)) {
            return null;
        }
        try {
            return (SpanExport) Class.forName(OTLP).getConstructor(Map.class, String.class).newInstance(env, serviceName);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("OpenTelemetry export is configured but " + OTLP + " could not start: " + e, e);
        }
    }

    /**
     * @param env the environment
     * @return whether it asks for traces to be exported over OTLP
     */
    static boolean wanted(Map<String, String> env) {
        boolean endpoint = notBlank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || notBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        return endpoint && !"true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED")) && !"none".equalsIgnoreCase(env.get("OTEL_TRACES_EXPORTER"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
