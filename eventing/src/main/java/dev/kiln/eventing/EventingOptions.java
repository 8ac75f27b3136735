package dev.kiln.eventing;

/**
 * How the eventing plane listens and queues.
 *
 * @param host the address to bind (127.0.0.1 by default: exposing brokers is an explicit choice)
 * @param port the port (0 picks a free one)
 * @param laneCapacity events queued per Trigger, Sequence or Parallel before ingress answers 429
 * @param laneConcurrency deliveries in flight per lane
 * @param maxBodyBytes the largest event accepted (413 above it)
 * @param resolver resolves refs the plane does not host (Functions, Services)
 */
public record EventingOptions(String host, int port, int laneCapacity, int laneConcurrency, int maxBodyBytes,
        DestinationResolver resolver) {

    /** @return defaults: 127.0.0.1, a free port, 10,000 queued and 32 in flight per lane, 10 MiB events */
    public static EventingOptions defaults() {
        return new EventingOptions("127.0.0.1", 0, 10_000, 32, 10 << 20, DestinationResolver.NONE);
    }

    /** @param capacity per-lane capacity @param concurrency per-lane concurrency @return a copy */
    public EventingOptions withLanes(int capacity, int concurrency) {
        return new EventingOptions(host, port, capacity, concurrency, maxBodyBytes, resolver);
    }
}
