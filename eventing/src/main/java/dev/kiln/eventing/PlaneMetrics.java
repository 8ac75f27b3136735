package dev.kiln.eventing;

import dev.kiln.eventing.delivery.DeliveryMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The plane's counters and their Prometheus text ({@code /metrics}): delivery series per Trigger and per flow, events
 * per Broker by result, and events dropped because their {@code knativebrokerttl} ran out. Labels stay bounded
 * (namespace and name, never an event id).
 */
public final class PlaneMetrics {

    private final DeliveryMetrics total = new DeliveryMetrics();
    private final LongAdder ttlExhausted = new LongAdder();
    private final EventingPlane plane;

    PlaneMetrics(EventingPlane plane) {
        this.plane = plane;
    }

    /** @return delivery counters over every Trigger and flow */
    public DeliveryMetrics total() {
        return total;
    }

    /** @return events dropped at ingress because their {@code knativebrokerttl} ran out */
    public long ttlExhausted() {
        return ttlExhausted.sum();
    }

    void ttlExhaustedOne() {
        ttlExhausted.increment();
    }

    /**
     * What each Trigger and flow delivered so far: the dashboard's edges.
     *
     * @return by {@code Trigger namespace/name}, {@code Sequence namespace/name} or {@code Parallel namespace/name}
     */
    public Map<String, DeliveryMetrics> deliveries() {
        Map<String, DeliveryMetrics> all = new LinkedHashMap<>();
        plane.triggerRuntimes().forEach((key, t) -> all.put("Trigger " + key, t.metrics()));
        plane.flowRuntimes().forEach((key, f) -> all.put(f.resourceName(), f.metrics()));
        return all;
    }

    /**
     * What each Broker took and refused so far.
     *
     * @return by {@code namespace/name}: {accepted, refused}
     */
    public Map<String, long[]> ingress() {
        Map<String, long[]> all = new TreeMap<>();
        plane.brokerRuntimes().forEach((key, b) -> all.put(key, new long[] {b.accepted(), b.refused()}));
        return all;
    }

    /** @return the Prometheus text of {@code /metrics} */
    public String render() {
        Map<String, DeliveryMetrics> labelled = new TreeMap<>();
        plane.triggerRuntimes().forEach((key, t) -> labelled.put(labels("trigger", key), t.metrics()));
        plane.flowRuntimes().forEach((key, f) -> labelled.put(labels(f.kind(), key.substring(key.indexOf('/') + 1)), f.metrics()));
        StringBuilder out = new StringBuilder();
        DeliveryMetrics.render(out, labelled);
        out.append("# HELP kiln_broker_events_total events a Broker's ingress took (accepted) or refused\n")
                .append("# TYPE kiln_broker_events_total counter\n");
        ingress().forEach((key, counts) -> {
            String l = labels("broker", key);
            out.append("kiln_broker_events_total{").append(l).append(",result=\"accepted\"} ").append(counts[0]).append('\n');
            out.append("kiln_broker_events_total{").append(l).append(",result=\"refused\"} ").append(counts[1]).append('\n');
        });
        out.append("# HELP kiln_trigger_consumer_restarts_total times a durable Trigger's consumer failed and started again\n")
                .append("# TYPE kiln_trigger_consumer_restarts_total counter\n");
        plane.triggerRuntimes().forEach((key, t) -> out.append("kiln_trigger_consumer_restarts_total{").append(labels("trigger", key))
                .append("} ").append(t.consumerRestarts()).append('\n'));
        out.append("# HELP kiln_broker_ttl_exhausted_total events dropped at ingress because knativebrokerttl ran out\n")
                .append("# TYPE kiln_broker_ttl_exhausted_total counter\n")
                .append("kiln_broker_ttl_exhausted_total ").append(ttlExhausted.sum()).append('\n');
        return out.toString();
    }

    private static String labels(String kind, String key) {
        int slash = key.indexOf('/');
        return "namespace=\"" + key.substring(0, slash) + "\"," + kind + "=\"" + key.substring(slash + 1) + "\"";
    }
}
