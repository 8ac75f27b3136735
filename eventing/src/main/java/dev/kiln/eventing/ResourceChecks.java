package dev.kiln.eventing;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.eventing.delivery.DeliveryPolicy;
import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.Sequence;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Checks a Broker, Trigger, Sequence or Parallel on its own, with the same rules the plane compiles it with, without
 * applying it: what {@code kiln dev} reports for every manifest before it starts anything.
 */
public final class ResourceChecks {

    private ResourceChecks() {
    }

    /**
     * @param resource a Knative eventing resource (or a ConfigMap, which has nothing to check)
     * @return every problem, with field paths (empty when it would apply cleanly)
     * @throws IllegalArgumentException for any other kind
     */
    public static FieldErrors validate(HasMetadata resource) {
        FieldErrors errors = new FieldErrors();
        if (resource instanceof Broker b) {
            try {
                DeliveryPolicy.merge(DeliveryPolicy.BROKER_DEFAULT, b.getSpec() == null ? null : b.getSpec().getDelivery());
            } catch (IllegalArgumentException e) {
                errors.add("spec", e.getMessage());
            }
            delivery(errors, "spec.delivery", b.getSpec() == null ? null : b.getSpec().getDelivery());
        } else if (resource instanceof Trigger t) {
            TriggerRuntime.check(t, errors);
        } else if (resource instanceof Sequence s) {
            FlowRuntime.hops(s, errors);
        } else if (resource instanceof Parallel p) {
            FlowRuntime.branches(p, errors);
        } else if (!(resource instanceof ConfigMap)) {
            throw new IllegalArgumentException("the eventing plane hosts Broker, Trigger, Sequence and Parallel, not " + resource.getKind());
        }
        return errors;
    }

    /**
     * A destination's {@code CACerts} and {@code audience}, which the plane's senders cannot honour: refused as Kiln's
     * own resources refuse them ({@link Checks#unsupportedDestinationOptions}), never silently ignored.
     */
    static void destination(FieldErrors errors, String path, Destination destination) {
        if (destination != null) {
            Checks.unsupportedDestinationOptions(errors, path, destination.getCACerts(), destination.getAudience());
        }
    }

    /** The same for a delivery's dead-letter sink. */
    static void delivery(FieldErrors errors, String path, DeliverySpec delivery) {
        if (delivery != null) {
            destination(errors, path + ".deadLetterSink", delivery.getDeadLetterSink());
        }
    }
}
