package dev.kiln.eventing;

import dev.kiln.api.validation.FieldErrors;
import dev.kiln.contract.addressing.Unresolvable;
import dev.kiln.eventing.delivery.DeliveryMetrics;
import dev.kiln.eventing.delivery.Dispatcher;
import dev.kiln.eventing.delivery.DeliveryPolicy;
import dev.kiln.http.Outcome;
import dev.kiln.eventing.durable.KafkaBrokerConfig;
import dev.kiln.eventing.durable.TriggerConsumer;
import dev.kiln.eventing.filter.EventFilter;
import dev.kiln.eventing.filter.TriggerFilters;
import dev.kiln.eventing.journey.Causation;
import dev.kiln.eventing.journey.DeliveryTrace;
import dev.kiln.eventing.journey.IngressTrace;
import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1.Trigger;
import io.vertx.core.Future;
import java.net.URI;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A Trigger compiled once: its filter, its merged delivery policy, its own lane (in-memory Broker) or its own
 * consumer group (durable Broker), and its own metrics.
 */
final class TriggerRuntime {

    private static final Logger LOG = Logger.getLogger(TriggerRuntime.class.getName());

    private final EventingPlane plane;
    private final Trigger trigger;
    private final String key;
    private final String resource;
    private final String subscriberDescription;
    private final String namespace;
    /** {@code Kn-Namespace} and {@code Prefer: reply}, made once. */
    private final Map<String, String> deliveryHeaders;
    private final String broker;
    private final EventFilter filter;
    private final FieldErrors errors = new FieldErrors();
    private final Lane lane;
    private final DeliveryMetrics metrics;
    /** The consumer when the Broker is durable; guarded by the plane's lock. */
    private volatile TriggerConsumer consumer;
    private volatile String consumerError;
    /** The subscriber's URL when it is a plain {@code uri} (parsed once), else null. */
    private final URI fixedSubscriber;
    /** The merged policy, recomputed only when the Broker is applied again (a new BrokerRuntime). */
    private volatile Merged merged;

    private record Merged(BrokerRuntime broker, DeliveryPolicy policy) {
    }

    TriggerRuntime(EventingPlane plane, Trigger trigger) {
        this.plane = plane;
        this.trigger = trigger;
        this.namespace = trigger.getMetadata().getNamespace() == null ? "default" : trigger.getMetadata().getNamespace();
        this.deliveryHeaders = Dispatcher.deliveryHeaders(namespace);
        this.broker = trigger.getSpec() == null ? null : trigger.getSpec().getBroker();
        this.key = namespace + "/" + trigger.getMetadata().getName();
        this.resource = "Trigger " + key;
        this.subscriberDescription = EventingPlane.describe(trigger.getSpec() == null ? null : trigger.getSpec().getSubscriber(), namespace);
        this.filter = check(trigger, errors);
        this.fixedSubscriber = fixedUri(trigger);
        this.metrics = new DeliveryMetrics(plane.metrics().total());
        this.lane = new Lane(plane.options().laneCapacity(), plane.options().laneConcurrency(), this::deliver);
    }

    /**
     * Checks a Trigger on its own (no Broker needed), recording problems with their field paths.
     *
     * @return its compiled filter
     */
    static EventFilter check(Trigger trigger, FieldErrors errors) {
        String broker = trigger.getSpec() == null ? null : trigger.getSpec().getBroker();
        if (trigger.getSpec() == null) {
            errors.missing("spec");
        } else if (broker == null || broker.isBlank()) {
            errors.missing("spec.broker");
        }
        if (trigger.getSpec() != null && trigger.getSpec().getSubscriber() == null) {
            errors.missing("spec.subscriber");
        }
        if (trigger.getSpec() != null) {
            ResourceChecks.destination(errors, "spec.subscriber", trigger.getSpec().getSubscriber());
            ResourceChecks.delivery(errors, "spec.delivery", trigger.getSpec().getDelivery());
        }
        EventFilter filter = trigger.getSpec() == null ? EventFilter.NONE : TriggerFilters.compile(trigger.getSpec(), errors);
        try {
            // Reports the Trigger's own malformed durations now rather than at the first event.
            DeliveryPolicy.merge(DeliveryPolicy.BROKER_DEFAULT, trigger.getSpec() == null ? null : trigger.getSpec().getDelivery());
        } catch (IllegalArgumentException e) {
            errors.add("spec", e.getMessage());
        }
        return filter;
    }

    private static URI fixedUri(Trigger trigger) {
        var d = trigger.getSpec() == null ? null : trigger.getSpec().getSubscriber();
        if (d == null || d.getRef() != null || d.getUri() == null || d.getUri().isBlank()) {
            return null;
        }
        try {
            return URI.create(d.getUri());
        } catch (IllegalArgumentException e) {
            return null; // reported by resolve() when delivering
        }
    }

    String namespace() {
        return namespace;
    }

    /** @return {@code namespace/name} */
    String key() {
        return key;
    }

    String broker() {
        return broker == null ? "" : broker;
    }

    Lane lane() {
        return lane;
    }

    boolean ready() {
        return errors.isEmpty();
    }

    /**
     * Whether this Trigger takes an event: the one place both kinds of Broker ask (in memory at ingress, durable in
     * this Trigger's consumer).
     *
     * @param event an event its Broker accepted
     * @return whether the Trigger is ready and its filter delivers the event
     */
    boolean matches(CloudEvent event) {
        return ready() && filter.evaluate(event).delivers();
    }

    /**
     * @param event an event its Broker accepted
     * @return why {@link #matches} decides as it does: which filter decided and which attribute differed
     */
    String explain(CloudEvent event) {
        return ready() ? filter.explain(event) : "the Trigger is not ready, so it takes nothing: " + errors.summary();
    }

    /** @return how many times this Trigger's durable consumer started again after a failure */
    int consumerRestarts() {
        TriggerConsumer c = consumer;
        return c == null ? 0 : c.restarts();
    }

    DeliveryMetrics metrics() {
        return metrics;
    }

    /**
     * Consumes the durable Broker's topic with this Trigger's own group, or stops consuming.
     *
     * @param durable the Broker's topic, or null when the Broker is in memory, missing or not ready
     */
    void consume(KafkaBrokerConfig durable) {
        if (consumer != null && consumer.config().equals(durable)) {
            return;
        }
        stopConsuming();
        if (durable == null) {
            return;
        }
        try {
            // Knative's Kafka broker names Trigger groups the same way; stable, so a restart resumes where it was.
            String group = "kiln-trigger-" + namespace + "-" + trigger.getMetadata().getName();
            consumer = new TriggerConsumer(durable, group, plane.options().laneConcurrency(), event -> {
                boolean matches = matches(event);
                IngressTrace.consumed(plane.journeys(), event, key, matches, () -> explain(event));
                return matches ? deliver(event) : Future.succeededFuture();
            });
            consumerError = null;
        } catch (IllegalStateException e) {
            consumerError = e.getMessage() + "; apply the Trigger again once Kafka is up";
            LOG.warning("trigger " + namespace + "/" + trigger.getMetadata().getName() + ": " + consumerError);
        }
    }

    /** @return whether a durable Broker's consumer runs for this Trigger */
    boolean consuming() {
        return consumer != null;
    }

    /** Stops the consumer, if any, letting deliveries in flight finish briefly so their offsets are committed. */
    void stopConsuming() {
        TriggerConsumer c = consumer;
        consumer = null;
        if (c != null) {
            c.close();
        }
    }

    ResourceState state() {
        if (!errors.isEmpty()) {
            return ResourceState.notReady("InvalidSpec", errors.summary());
        }
        if (plane.broker(namespace, broker) == null) {
            return ResourceState.notReady("BrokerDoesNotExist", "Broker " + namespace + "/" + broker + " does not exist; apply it");
        }
        if (consumerError != null) {
            return ResourceState.notReady("KafkaUnavailable", consumerError);
        }
        TriggerConsumer c = consumer;
        if (c != null && c.restarting() != null) {
            return ResourceState.notReady("ConsumerRestarting", c.restarting());
        }
        try {
            return ResourceState.ready(plane.resolve(trigger.getSpec().getSubscriber(), namespace).toString());
        } catch (Unresolvable e) {
            return ResourceState.notReady("SubscriberNotResolved", e.getMessage());
        }
    }

    private DeliveryPolicy policy() {
        BrokerRuntime b = plane.broker(namespace, broker());
        Merged m = merged;
        if (m == null || m.broker() != b) {
            m = new Merged(b, DeliveryPolicy.merge(b == null ? DeliveryPolicy.BROKER_DEFAULT : b.policy(), trigger.getSpec().getDelivery()));
            merged = m;
        }
        return m.policy();
    }

    /** Delivers one event that passed the filter; completes when the outcome is final, never fails. */
    private Future<?> deliver(CloudEvent event) {
        URI subscriber = fixedSubscriber;
        String target = subscriberDescription;
        try {
            if (subscriber == null) {
                subscriber = plane.resolve(trigger.getSpec().getSubscriber(), namespace); // a ref: its address may change
                target = subscriberDescription + " (" + subscriber + ")";
            }
        } catch (Unresolvable e) {
            // Nothing to retry against: straight to the dead-letter sink, if any (dropped with a log line otherwise).
            DeliveryTrace trace = DeliveryTrace.start(plane.journeys(), event, resource, target);
            return plane.dispatcher().deadLetter(Ttl.strip(event, trace), subscriberDescription,
                    Outcome.unresolved(e.getMessage()), policy(), deliveryHeaders, d -> plane.resolve(d, namespace), metrics, trace);
        }
        int ttl = Ttl.of(event);
        DeliveryTrace trace = DeliveryTrace.start(plane.journeys(), event, resource, target);
        return plane.dispatcher().deliver(Ttl.strip(event, trace), subscriber, policy(), deliveryHeaders,
                d -> plane.resolve(d, namespace),
                reply -> {
                    // A reply re-enters the same Broker carrying the hop count of the event it answers, and says
                    // which event caused it; when the Broker cannot take it, the attempt fails and is retried, so the
                    // reply is not lost.
                    CloudEvent linked = Causation.link(reply, event);
                    if (trace != null) {
                        linked = trace.replied(linked, "Broker " + namespace + "/" + broker);
                    }
                    return plane.publish(namespace, broker, Ttl.with(linked, ttl)).compose(a -> switch (a) {
                        case FULL, UNAVAILABLE, NOT_READY, NOT_FOUND -> Future.failedFuture("broker " + namespace + "/" + broker + ": " + a);
                        default -> Future.<Void>succeededFuture();
                    });
                },
                metrics, trace);
    }
}
