package dev.kiln.sources.send;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * An adapter's Prometheus metrics, labelled by source kind, namespace and name (bounded: never event ids).
 * Requests and drops also carry a bounded {@code outcome} or {@code reason}.
 */
public final class SourceMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String kind;
    private final String namespace;
    private final String name;
    private final Counter sent;
    private final Counter retries;
    private final Counter failed;
    private final Counter deadLettered;
    private final Timer sendTime;

    /** @param kind github, gitlab, kafka or cron @param namespace the source's namespace @param name its name */
    public SourceMetrics(String kind, String namespace, String name) {
        this.kind = kind;
        this.namespace = namespace;
        this.name = name;
        this.sent = counter("kiln.source.events.sent", "events the sink accepted");
        this.retries = counter("kiln.source.send.retries", "send attempts after the first");
        this.failed = counter("kiln.source.send.failures", "events the sink did not accept after every retry");
        this.deadLettered = counter("kiln.source.events.dead.lettered", "events the dead-letter sink accepted");
        this.sendTime = Timer.builder("kiln.source.send").description("from the first attempt to the final outcome")
                .tags("source", kind, "namespace", namespace, "name", name).publishPercentileHistogram().register(registry);
    }

    private Counter counter(String metric, String description) {
        return Counter.builder(metric).description(description).tags("source", kind, "namespace", namespace, "name", name)
                .register(registry);
    }

    void sent(Duration took) {
        sent.increment();
        sendTime.record(took);
    }

    void retried() {
        retries.increment();
    }

    void failed(Duration took) {
        failed.increment();
        sendTime.record(took);
    }

    /** An event reached the dead-letter sink. */
    public void deadLettered() {
        deadLettered.increment();
    }

    /** A webhook request ended with this outcome (accepted, ping, unauthorized, too_large, ...). */
    public void request(String outcome) {
        registry.counter("kiln.source.webhook.requests", "source", kind, "namespace", namespace, "name", name, "outcome", outcome).increment();
    }

    /**
     * A delivery's signature matched one of the source's secrets: {@code current}, or {@code previous} during a
     * rotation. When {@code previous} stays at zero for a while, the old secret can be removed.
     */
    public void signedBy(String secret) {
        registry.counter("kiln.source.webhook.signed", "source", kind, "namespace", namespace, "name", name, "secret", secret).increment();
    }

    /** An authentic event was dropped on purpose (not in eventTypes, repository not configured, ...). */
    public void dropped(String reason) {
        registry.counter("kiln.source.events.dropped", "source", kind, "namespace", namespace, "name", name, "reason", reason).increment();
    }

    /** The Kafka consumer failed and starts again after a backoff (records not final are read again). */
    public void consumerRestarted() {
        registry.counter("kiln.source.consumer.restarts", "source", kind, "namespace", namespace, "name", name).increment();
    }

    /** Cron ticks that were due while the adapter could not fire them (they are not replayed). */
    public void missedTicks(long n) {
        registry.counter("kiln.source.cron.missed.ticks", "source", kind, "namespace", namespace, "name", name).increment(n);
    }

    /** @return a counter's value, for tests and logs */
    public double count(String metric, String... tags) {
        var c = registry.find(metric).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /** @return the Prometheus text exposition */
    public String scrape() {
        return registry.scrape();
    }
}
