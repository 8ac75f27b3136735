package dev.kiln.bench.eventing;

import dev.kiln.eventing.EventingOptions;
import dev.kiln.eventing.EventingPlane;
import dev.kiln.eventing.ResourceState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * A plane in a JVM of its own, for {@code bench/run-eventing --baseline REV}: the plane of a former revision (its
 * eventing module and dependencies first on the class path) beside the plane of the working tree, each in its own
 * process, loaded by the same benchmark in the same run. Only API every revision since issue 4 has is used here
 * ({@code EventingOptions.defaults().withJourneys}, {@code start}, {@code apply}, {@code baseUrl}); the event loops
 * are set only when asked for (older revisions have no such option).
 *
 * <p>{@code java -cp ... PlaneMain SINK_BASE_URL JOURNEYS EVENT_LOOPS}: prints {@code PLANE=<base url>}, then answers
 * each {@code alloc} line on stdin with {@code ALLOC=<bytes allocated by every live thread so far>}; exits when stdin
 * closes.
 */
public final class PlaneMain {

    private PlaneMain() {
    }

    public static void main(String[] args) throws Exception {
        String sink = args[0];
        int journeys = Integer.parseInt(args[1]);
        int loops = Integer.parseInt(args[2]);
        EventingOptions options = EventingOptions.defaults().withJourneys(journeys);
        if (loops > 0) {
            options = options.withEventLoops(loops);
        }
        try (EventingPlane plane = EventingPlane.start(options)) {
            apply(plane, manifests(sink));
            System.out.println("PLANE=" + plane.baseUrl());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("alloc")) {
                    System.out.println("ALLOC=" + allocatedBytes());
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    /** @return every live thread's allocated bytes so far, summed (HotSpot's per-thread TLAB accounting) */
    static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Applies the benchmark's resources; each must be ready. */
    public static void apply(EventingPlane plane, String manifests) {
        for (String doc : manifests.split("(?m)^---\\s*$")) {
            HasMetadata r = Serialization.unmarshal(doc);
            ResourceState state = plane.apply(r);
            if (!state.ready()) {
                throw new IllegalStateException(r.getKind() + " " + r.getMetadata().getName() + ": " + state);
            }
        }
    }

    /**
     * @param sink the subscriber's base URL
     * @return Broker {@code one/default} with one Trigger, Broker {@code ten/default} with ten (one matches the
     *     benchmark's type), and Sequence {@code seq/chain} of two reply steps and the sink
     */
    static String manifests(String sink) {
        StringBuilder y = new StringBuilder("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: one}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: only, namespace: one}
                spec:
                  broker: default
                  filters: [{exact: {type: %s}}]
                  subscriber: {uri: '%s/sink'}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: ten}
                """.formatted(EventingBench.TYPE, sink));
        for (int i = 0; i < 10; i++) {
            y.append("""
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: t%d, namespace: ten}
                    spec:
                      broker: default
                      filters: [{exact: {type: dev.kiln.bench.t%d}}]
                      subscriber: {uri: '%s/sink'}
                    """.formatted(i, i, sink));
        }
        y.append("""
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: chain, namespace: seq}
                spec:
                  steps:
                  - uri: '%1$s/step'
                  - uri: '%1$s/step'
                  - uri: '%1$s/sink'
                """.formatted(sink));
        return y.toString();
    }
}
