package dev.kiln.eventing;

import dev.kiln.api.validation.FieldErrors;
import dev.kiln.eventing.EventingPlane.Admission;
import dev.kiln.eventing.delivery.DeliveryPolicy;
import dev.kiln.eventing.durable.EventLog;
import dev.kiln.eventing.durable.KafkaBrokerConfig;
import dev.kiln.eventing.journey.IngressTrace;
import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1.Broker;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A Broker compiled once, when applied: its delivery policy (the base its Triggers merge over), whether it is ready,
 * and where accepted events go: the matching Triggers' lanes (in memory) or its Kafka topic (durable), where each
 * Trigger's consumer matches them. Either way a Trigger decides with {@link TriggerRuntime#matches}, so the two
 * kinds of Broker cannot disagree about which events a Trigger gets.
 */
final class BrokerRuntime {

    private static final Logger LOG = Logger.getLogger(BrokerRuntime.class.getName());

    private final String key;
    private final DeliveryPolicy policy;
    private final String reason;
    private final String error;
    private final KafkaBrokerConfig durable;
    private final EventLog log;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();

    private BrokerRuntime(String key, DeliveryPolicy policy, String reason, String error, KafkaBrokerConfig durable, EventLog log) {
        this.key = key;
        this.policy = policy;
        this.reason = reason;
        this.error = error;
        this.durable = durable;
        this.log = log;
    }

    /**
     * Checks a Broker and, when it is durable, creates its topic (which may wait for Kafka).
     *
     * @param broker the Broker
     * @param configMaps the applied ConfigMaps, by namespace and name (for {@code spec.config})
     * @param defaultKafka the plane's own Kafka, or null
     * @param logs one producer per Kafka cluster, shared by the Brokers on it
     * @return its runtime, not ready (with a reason) when its spec is invalid or Kafka is unreachable
     */
    static BrokerRuntime of(Broker broker, BiFunction<String, String, Map<String, String>> configMaps, String defaultKafka,
            Function<String, EventLog> logs) {
        String key = EventingPlane.key(broker.getMetadata().getNamespace(), broker.getMetadata().getName());
        DeliveryPolicy policy;
        try {
            policy = DeliveryPolicy.merge(DeliveryPolicy.BROKER_DEFAULT, broker.getSpec() == null ? null : broker.getSpec().getDelivery());
        } catch (IllegalArgumentException e) {
            return notReady(key, DeliveryPolicy.BROKER_DEFAULT, "InvalidSpec", "spec." + e.getMessage());
        }
        FieldErrors unsupported = new FieldErrors();
        ResourceChecks.delivery(unsupported, "spec.delivery", broker.getSpec() == null ? null : broker.getSpec().getDelivery());
        if (!unsupported.isEmpty()) {
            return notReady(key, policy, "InvalidSpec", unsupported.summary());
        }
        KafkaBrokerConfig durable;
        try {
            if (!KafkaBrokerConfig.isDurable(broker)) {
                return new BrokerRuntime(key, policy, null, null, null, null);
            }
            durable = KafkaBrokerConfig.of(broker, configMaps, defaultKafka);
        } catch (IllegalArgumentException e) {
            return notReady(key, policy, "InvalidSpec", e.getMessage());
        }
        EventLog log;
        try {
            log = logs.apply(durable.bootstrapServers());
            log.prepare(durable);
        } catch (org.apache.kafka.common.KafkaException e) {
            return notReady(key, policy, "InvalidSpec", "bootstrap.servers " + durable.bootstrapServers() + ": " + e.getMessage());
        } catch (IllegalStateException e) {
            return notReady(key, policy, "KafkaUnavailable", e.getMessage() + "; apply the Broker again once Kafka is up");
        }
        return new BrokerRuntime(key, policy, null, null, durable, log);
    }

    private static BrokerRuntime notReady(String key, DeliveryPolicy policy, String reason, String error) {
        return new BrokerRuntime(key, policy, reason, error, null, null);
    }

    /** @return its delivery over Knative's broker defaults, the base its Triggers merge over */
    DeliveryPolicy policy() {
        return policy;
    }

    /** @return why it is not ready (a condition reason), or null */
    String reason() {
        return reason;
    }

    /** @return what is wrong and what to do, or null when ready */
    String error() {
        return error;
    }

    /** @return its Kafka topic when it is durable and ready, else null (in memory) */
    KafkaBrokerConfig durable() {
        return durable;
    }

    /**
     * Takes an accepted event (TTL and arrival time set): appends it to the topic when durable, else queues it in
     * every matching Trigger's lane, all or nothing.
     *
     * @param event the event
     * @param triggers the Broker's Triggers
     * @param trace the arrival's journey, which gets each Trigger's filter result (in memory), or null
     * @return what happened, once known: at once in memory, after Kafka's acknowledgement when durable; never failed
     */
    Future<Admission> admit(CloudEvent event, Collection<TriggerRuntime> triggers, IngressTrace trace) {
        if (durable != null) {
            return log.append(durable.topic(), event).map(v -> {
                accepted.increment();
                return Admission.ACCEPTED;
            }).otherwise(err -> {
                refused.increment();
                LOG.warning(() -> "broker " + key + " refused event " + event.getId() + ": Kafka did not take it: " + err);
                return Admission.UNAVAILABLE;
            });
        }
        List<TriggerRuntime> matching = new ArrayList<>();
        for (TriggerRuntime t : triggers) {
            boolean matches = t.matches(event);
            if (trace != null) {
                trace.filtered(t.key(), matches, () -> t.explain(event));
            }
            if (matches) {
                if (!t.lane().reserve()) {
                    matching.forEach(m -> m.lane().release());
                    refused.increment();
                    return Future.succeededFuture(Admission.FULL);
                }
                matching.add(t);
            }
        }
        matching.forEach(t -> t.lane().enqueue(event));
        accepted.increment();
        return Future.succeededFuture(Admission.ACCEPTED);
    }

    /** @return events taken so far */
    long accepted() {
        return accepted.sum();
    }

    /** @return events refused so far (full lanes, Kafka unavailable, not ready, looped) */
    long refused() {
        return refused.sum();
    }

    void refusedOne() {
        refused.increment();
    }
}
