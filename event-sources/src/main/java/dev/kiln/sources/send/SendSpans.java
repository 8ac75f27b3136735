package dev.kiln.sources.send;

import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.Map;

/**
 * A span per event an adapter sends, when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT})
 * is set: the event carries it in {@code traceparent}, so the Broker's ingress, and all that follows, go under it.
 * Names no OpenTelemetry type; the implementation ({@code OtelSendSpans}) is loaded by name only then.
 */
public interface SendSpans extends AutoCloseable {

    /** The implementation, loaded by name only when the environment asks for it. */
    String IMPLEMENTATION = "dev.kiln.sources.send.OtelSendSpans";

    /** One send's span. */
    interface SendSpan {
        /** @return the span as a {@code traceparent} value */
        String traceparent();

        /**
         * @param accepted whether the sink took the event
         * @param status the last HTTP status (0: none)
         * @param detail the outcome in words
         */
        void end(boolean accepted, int status, String detail);
    }

    /**
     * @param event the event about to be sent (its {@code traceparent}, when a webhook brought one, is the parent)
     * @param sink where it goes
     * @return the span, started
     */
    SendSpan start(CloudEvent event, URI sink);

    @Override
    void close();

    /**
     * @param env the adapter's environment
     * @param kind github, gitlab, kafka or cron
     * @param namespace the source's namespace
     * @param name the source's name
     * @return the spans, or null when the environment asks for none
     * @throws IllegalStateException when they are asked for but cannot start
     */
    static SendSpans fromEnvironment(Map<String, String> env, String kind, String namespace, String name) {
        boolean endpoint = notBlank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || notBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        if (!endpoint || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED")) || "none".equalsIgnoreCase(env.get("OTEL_TRACES_EXPORTER"))) {
            return null;
        }
        try {
            return (SendSpans) Class.forName(IMPLEMENTATION).getConstructor(Map.class, String.class, String.class, String.class)
                    .newInstance(env, kind, namespace, name);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry could not start: " + e, e);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
