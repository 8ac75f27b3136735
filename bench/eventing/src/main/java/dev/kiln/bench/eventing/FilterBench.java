package dev.kiln.bench.eventing;

import dev.kiln.api.validation.FieldErrors;
import dev.kiln.eventing.filter.EventFilter;
import dev.kiln.eventing.filter.TriggerFilters;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One compiled Trigger filter evaluated against a typical event, per dialect (the target is ≤ 1 µs). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterBench {

    /** The filters, as a Trigger's spec would hold them; every one matches the event. */
    static final Map<String, String> FILTERS = Map.of(
            "legacy-attributes", "filter: {attributes: {type: dev.kiln.order.created, source: /shop/eu}}",
            "exact", "filters: [{exact: {type: dev.kiln.order.created}}]",
            "prefix", "filters: [{prefix: {type: dev.kiln.order.}}]",
            "suffix", "filters: [{suffix: {type: .created}}]",
            "all-of-3", "filters: [{all: [{exact: {type: dev.kiln.order.created}}, {prefix: {source: /shop/}}, {exact: {region: eu}}]}]",
            "any-of-3", "filters: [{any: [{exact: {type: dev.kiln.nope}}, {suffix: {type: .deleted}}, {prefix: {type: dev.kiln.order}}]}]",
            "not", "filters: [{not: {exact: {type: dev.kiln.order.deleted}}}]",
            "cesql-simple", "filters: [{cesql: \"type = 'dev.kiln.order.created' AND region = 'eu'\"}]",
            "cesql-functions", "filters: [{cesql: \"LOWER(source) LIKE '/shop/%' AND (amount > 10 OR EXISTS priority)\"}]");

    @Param({"legacy-attributes", "exact", "prefix", "suffix", "all-of-3", "any-of-3", "not", "cesql-simple", "cesql-functions"})
    public String filter;

    private EventFilter compiled;
    private CloudEvent event;

    @Setup
    public void setUp() {
        Trigger trigger = Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: bench}
                spec:
                  broker: default
                  subscriber: {uri: 'http://127.0.0.1/'}
                  %s
                """.formatted(FILTERS.get(filter)), Trigger.class);
        FieldErrors errors = new FieldErrors();
        compiled = TriggerFilters.compile(trigger.getSpec(), errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(filter + ": " + errors.summary());
        }
        event = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/shop/eu")).withType("dev.kiln.order.created")
                .withSubject("order-42").withExtension("region", "eu").withExtension("amount", 25)
                .withData("application/json", "{\"id\":42}".getBytes(StandardCharsets.UTF_8)).build();
        if (!compiled.evaluate(event).delivers()) {
            throw new IllegalStateException(filter + " does not match the benchmark event");
        }
    }

    @Benchmark
    public Object evaluate() {
        return compiled.evaluate(event);
    }
}
