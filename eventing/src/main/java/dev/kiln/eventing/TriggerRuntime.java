package dev.kiln.eventing;

import dev.kiln.api.validation.FieldErrors;
import dev.kiln.eventing.delivery.DeliveryPolicy;
import dev.kiln.eventing.filter.EventFilter;
import dev.kiln.eventing.filter.TriggerFilters;
import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1.Trigger;
import io.vertx.core.Future;
import java.net.URI;
import java.util.Map;
import java.util.logging.Logger;

/** A Trigger compiled once: its filter, its merged delivery policy and its own lane. */
final class TriggerRuntime {

    private static final Logger LOG = Logger.getLogger(TriggerRuntime.class.getName());

    private final EventingPlane plane;
    private final Trigger trigger;
    private final String namespace;
    private final String broker;
    private final EventFilter filter;
    private final FieldErrors errors = new FieldErrors();
    private final Lane lane;
    /** The merged policy, recomputed only when the Broker is applied again (a new BrokerRuntime). */
    private volatile Merged merged;

    private record Merged(EventingPlane.BrokerRuntime broker, DeliveryPolicy policy) {
    }

    TriggerRuntime(EventingPlane plane, Trigger trigger) {
        this.plane = plane;
        this.trigger = trigger;
        this.namespace = trigger.getMetadata().getNamespace() == null ? "default" : trigger.getMetadata().getNamespace();
        this.broker = trigger.getSpec() == null ? null : trigger.getSpec().getBroker();
        if (trigger.getSpec() == null) {
            errors.missing("spec");
        } else if (broker == null || broker.isBlank()) {
            errors.missing("spec.broker");
        }
        if (trigger.getSpec() != null && trigger.getSpec().getSubscriber() == null) {
            errors.missing("spec.subscriber");
        }
        this.filter = trigger.getSpec() == null ? EventFilter.NONE : TriggerFilters.compile(trigger.getSpec(), errors);
        try {
            // Reports the Trigger's own malformed durations now rather than at the first event.
            DeliveryPolicy.merge(DeliveryPolicy.BROKER_DEFAULT, trigger.getSpec() == null ? null : trigger.getSpec().getDelivery());
        } catch (IllegalArgumentException e) {
            errors.add("spec", e.getMessage());
        }
        this.lane = new Lane(plane.options().laneCapacity(), plane.options().laneConcurrency(), this::deliver);
    }

    String namespace() {
        return namespace;
    }

    String broker() {
        return broker == null ? "" : broker;
    }

    EventFilter filter() {
        return filter;
    }

    Lane lane() {
        return lane;
    }

    boolean ready() {
        return errors.isEmpty();
    }

    ResourceState state() {
        if (!errors.isEmpty()) {
            return ResourceState.notReady("InvalidSpec", errors.summary());
        }
        if (plane.broker(namespace, broker) == null) {
            return ResourceState.notReady("BrokerDoesNotExist", "Broker " + namespace + "/" + broker + " does not exist; apply it");
        }
        try {
            return ResourceState.ready(plane.resolve(trigger.getSpec().getSubscriber(), namespace).toString());
        } catch (DestinationResolver.UnresolvableException e) {
            return ResourceState.notReady("SubscriberNotResolved", e.getMessage());
        }
    }

    private DeliveryPolicy policy() {
        EventingPlane.BrokerRuntime b = plane.broker(namespace, broker());
        Merged m = merged;
        if (m == null || m.broker() != b) {
            m = new Merged(b, DeliveryPolicy.merge(b == null ? DeliveryPolicy.BROKER_DEFAULT : b.policy(), trigger.getSpec().getDelivery()));
            merged = m;
        }
        return m.policy();
    }

    private Future<?> deliver(CloudEvent event) {
        URI subscriber;
        try {
            subscriber = plane.resolve(trigger.getSpec().getSubscriber(), namespace);
        } catch (DestinationResolver.UnresolvableException e) {
            plane.metrics().dropped();
            LOG.warning("dropped event " + event.getId() + " for trigger " + namespace + "/" + trigger.getMetadata().getName()
                    + ": subscriber does not resolve: " + e.getMessage());
            return Future.succeededFuture();
        }
        int ttl = Ttl.of(event);
        return plane.dispatcher().deliver(Ttl.strip(event), subscriber, policy(), Map.of("Kn-Namespace", namespace),
                d -> plane.resolve(d, namespace),
                reply -> {
                    // A reply re-enters the same Broker carrying the hop count of the event it answers.
                    EventingPlane.Admission a = plane.publish(namespace, broker, Ttl.with(reply, ttl));
                    return a == EventingPlane.Admission.FULL ? Future.failedFuture("broker " + namespace + "/" + broker + " is full")
                            : Future.succeededFuture();
                });
    }
}
