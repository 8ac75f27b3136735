package dev.kiln.eventing;

import dev.kiln.contract.addressing.Addressing;
import java.util.Map;

/**
 * How the eventing plane listens, queues and records.
 *
 * @param host the address to bind (127.0.0.1 by default: exposing brokers is an explicit choice)
 * @param port the port (0 picks a free one)
 * @param laneCapacity events queued per Trigger, Sequence or Parallel before ingress answers 429 (a durable
 *     Broker's Triggers queue in Kafka instead)
 * @param laneConcurrency deliveries in flight per lane, and per Trigger of a durable Broker
 * @param maxBodyBytes the largest event accepted (413 above it)
 * @param resolver finds the addresses of refs the plane does not host (Functions, Services)
 * @param kafkaBootstrapServers the Kafka that durable Brokers without {@code spec.config} use, or null
 * @param journeys the steps of recent journeys kept in memory (0: none kept)
 * @param telemetry the {@code OTEL_*} settings: with {@code OTEL_EXPORTER_OTLP_ENDPOINT}, every step is also exported
 *     as an OpenTelemetry span (empty: nothing exported, and the OpenTelemetry SDK is not loaded)
 * @param eventLoops the event loops (threads) the plane's HTTP server and its deliveries run on; 0: Vert.x's default
 */
public record EventingOptions(String host, int port, int laneCapacity, int laneConcurrency, int maxBodyBytes,
        Addressing.Lookup resolver, String kafkaBootstrapServers, int journeys, Map<String, String> telemetry, int eventLoops) {

    /** Steps kept by default: the journeys of the last thousand events or so, a few MiB at most. */
    public static final int DEFAULT_JOURNEYS = 10_000;

    /**
     * @return defaults: 127.0.0.1, a free port, 10,000 queued and 32 in flight per lane, 10 MiB events, no Kafka, the
     *     last {@value #DEFAULT_JOURNEYS} journey steps kept, no OpenTelemetry export
     */
    public static EventingOptions defaults() {
        return new EventingOptions("127.0.0.1", 0, 10_000, 32, 10 << 20, Addressing.Lookup.NONE, null, DEFAULT_JOURNEYS, Map.of(), 0);
    }

    /** @param capacity per-lane capacity @param concurrency per-lane concurrency @return a copy */
    public EventingOptions withLanes(int capacity, int concurrency) {
        return new EventingOptions(host, port, capacity, concurrency, maxBodyBytes, resolver, kafkaBootstrapServers, journeys, telemetry, eventLoops);
    }

    /** @param newPort the port to listen on @return a copy */
    public EventingOptions withPort(int newPort) {
        return new EventingOptions(host, newPort, laneCapacity, laneConcurrency, maxBodyBytes, resolver, kafkaBootstrapServers, journeys, telemetry, eventLoops);
    }

    /** @param newResolver resolves Functions, Services and other refs the plane does not host @return a copy */
    public EventingOptions withResolver(Addressing.Lookup newResolver) {
        return new EventingOptions(host, port, laneCapacity, laneConcurrency, maxBodyBytes, newResolver, kafkaBootstrapServers, journeys, telemetry, eventLoops);
    }

    /** @param bootstrapServers the Kafka for durable Brokers without their own ConfigMap @return a copy */
    public EventingOptions withKafka(String bootstrapServers) {
        return new EventingOptions(host, port, laneCapacity, laneConcurrency, maxBodyBytes, resolver, bootstrapServers, journeys, telemetry, eventLoops);
    }

    /** @param steps journey steps kept in memory, 0 to keep none @return a copy */
    public EventingOptions withJourneys(int steps) {
        return new EventingOptions(host, port, laneCapacity, laneConcurrency, maxBodyBytes, resolver, kafkaBootstrapServers, steps, telemetry, eventLoops);
    }

    /** @param otel the {@code OTEL_*} settings (e.g. the process environment) @return a copy */
    public EventingOptions withTelemetry(Map<String, String> otel) {
        return new EventingOptions(host, port, laneCapacity, laneConcurrency, maxBodyBytes, resolver, kafkaBootstrapServers, journeys, Map.copyOf(otel), eventLoops);
    }

    /** @param loops the event loops the plane runs on (0: Vert.x's default) @return a copy */
    public EventingOptions withEventLoops(int loops) {
        if (loops < 0) {
            throw new IllegalArgumentException("eventLoops must be 0 (Vert.x's default) or more, not " + loops);
        }
        return new EventingOptions(host, port, laneCapacity, laneConcurrency, maxBodyBytes, resolver, kafkaBootstrapServers, journeys, telemetry, loops);
    }
}
