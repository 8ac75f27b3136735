package dev.kiln.eventing;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.contract.addressing.Unresolvable;
import dev.kiln.eventing.delivery.DeliveryMetrics;
import dev.kiln.eventing.delivery.Dispatcher;
import dev.kiln.eventing.delivery.DeliveryPolicy;
import dev.kiln.eventing.journey.Causation;
import dev.kiln.eventing.journey.DeliveryTrace;
import dev.kiln.http.Outcome;
import io.cloudevents.CloudEvent;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.ParallelBranch;
import io.fabric8.knative.flows.v1.Sequence;
import io.fabric8.knative.flows.v1.SequenceStep;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A Sequence or a Parallel, wired as Knative wires them with channels and subscriptions: each hop is a delivery with
 * that hop's policy (no retries unless the step or branch sets {@code delivery}), and a hop's reply is the next hop's
 * input. An empty reply ends the event's path without error.
 *
 * <p>The channels are in memory by default ({@code InMemoryChannel}, as Knative's default). With
 * {@code spec.channelTemplate.kind: KafkaChannel} they are Kafka topics ({@link DurableChannels}): the flow's input is
 * acknowledged only once Kafka has it, and each hop's output is written to the next hop's topic before the hop's
 * input is committed, so a crash between two steps loses nothing (the step runs again: at-least-once).
 */
final class FlowRuntime {

    private static final Logger LOG = Logger.getLogger(FlowRuntime.class.getName());

    private final EventingPlane plane;
    private final HasMetadata resource;
    private final String namespace;
    /** {@code Kn-Namespace} and {@code Prefer: reply}, made once. */
    private final Map<String, String> deliveryHeaders;
    private final FieldErrors errors;
    private final List<Destination> destinations;
    private final Lane lane;
    private final DeliveryMetrics metrics;
    private final String resourceName;
    private final DurableChannels channels;

    private FlowRuntime(EventingPlane plane, HasMetadata resource, FieldErrors errors, List<Destination> destinations,
            Function<FlowRuntime, Function<CloudEvent, Future<?>>> handler, DurableChannels channels) {
        this.plane = plane;
        this.resource = resource;
        this.namespace = resource.getMetadata().getNamespace() == null ? "default" : resource.getMetadata().getNamespace();
        this.deliveryHeaders = Dispatcher.deliveryHeaders(namespace);
        this.errors = errors;
        this.destinations = destinations;
        this.metrics = new DeliveryMetrics(plane.metrics().total());
        this.resourceName = resource.getKind() + " " + namespace + "/" + resource.getMetadata().getName();
        this.lane = new Lane(plane.options().laneCapacity(), plane.options().laneConcurrency(), handler.apply(this));
        this.channels = channels;
    }

    /** @return the Kafka channels of a durable flow, or null for one in memory */
    DurableChannels channels() {
        return channels;
    }

    /** Stops a durable flow's consumers (what they did not finish is read again next time); nothing for one in memory. */
    void close() {
        if (channels != null) {
            channels.close();
        }
    }

    /** One delivery: where, and with which policy (resolved once, when the flow is applied). */
    private record Hop(Destination to, DeliveryPolicy policy) {
    }

    /** A Parallel branch: optional filter service, subscriber hop, and where its replies go (or null). */
    private record Branch(Destination filter, Hop subscriber, Destination reply) {
    }

    static FlowRuntime sequence(EventingPlane plane, Sequence sequence) {
        FieldErrors errors = new FieldErrors();
        List<Hop> hops = hops(sequence, errors);
        Destination reply = sequence.getSpec() == null ? null : sequence.getSpec().getReply();
        List<Destination> all = hops.stream().map(Hop::to).toList();
        DurableChannels channels = DurableChannels.of(plane, sequence, sequence.getSpec() == null ? null : sequence.getSpec().getChannelTemplate(),
                hops.size(), errors);
        FlowRuntime flow = new FlowRuntime(plane, sequence, errors, all, f -> event -> f.step(hops, reply, 0, event), channels);
        if (channels != null && errors.isEmpty()) {
            // Step i reads channel i; its reply goes to channel i + 1 (or to the reply) before its input is committed.
            channels.start(i -> event -> flow.durableStep(hops, reply, i, event), hops.size());
        }
        return flow;
    }

    /** One step of a durable Sequence: deliver, then store the reply where the next step reads it. */
    private Future<Void> durableStep(List<Hop> steps, Destination reply, int i, CloudEvent event) {
        Hop step = steps.get(i);
        boolean last = i + 1 == steps.size();
        String next = !last ? "step " + (i + 1) + " (its channel)" : reply != null ? "the " + kind() + "'s reply "
                + EventingPlane.describe(reply, namespace) : "nowhere: the " + kind() + " has no reply, so the chain ends";
        return hop(event, step.to(), step.policy(), "step " + i, next).compose(answer -> {
            if (answer == null) {
                return Future.<Void>succeededFuture();
            }
            if (!last) {
                return channels.append(i + 1, answer);
            }
            return reply == null ? Future.<Void>succeededFuture() : hop(answer, reply, step.policy(), "reply", null).<Void>mapEmpty();
        });
    }

    /** A Sequence's steps; what is wrong with them goes to {@code errors}. */
    static List<Hop> hops(Sequence sequence, FieldErrors errors) {
        List<SequenceStep> steps = sequence.getSpec() == null || sequence.getSpec().getSteps() == null ? List.of()
                : sequence.getSpec().getSteps();
        if (steps.isEmpty()) {
            errors.add("spec.steps", "a Sequence needs at least one step");
        }
        ResourceChecks.destination(errors, "spec.reply", sequence.getSpec() == null ? null : sequence.getSpec().getReply());
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            SequenceStep s = steps.get(i);
            // A step is a Destination inline: its own CACerts and audience, at the step's path.
            Checks.unsupportedDestinationOptions(errors, "spec.steps[" + i + "]", s.getCACerts(), s.getAudience());
            ResourceChecks.delivery(errors, "spec.steps[" + i + "].delivery", s.getDelivery());
            hops.add(new Hop(new Destination(s.getCACerts(), s.getAudience(), s.getRef(), s.getUri()),
                    policy(s.getDelivery(), "spec.steps[" + i + "].delivery", errors)));
        }
        return hops;
    }

    static FlowRuntime parallel(EventingPlane plane, Parallel parallel) {
        FieldErrors errors = new FieldErrors();
        List<Branch> branches = branches(parallel, errors);
        List<Destination> all = branches.stream().map(b -> b.subscriber().to()).filter(java.util.Objects::nonNull).toList();
        DurableChannels channels = DurableChannels.of(plane, parallel, parallel.getSpec() == null ? null : parallel.getSpec().getChannelTemplate(),
                1, errors);
        FlowRuntime flow = new FlowRuntime(plane, parallel, errors, all, f -> event -> {
            List<Future<Void>> each = new ArrayList<>();
            for (int i = 0; i < branches.size(); i++) {
                each.add(f.branch(i, branches.get(i), event));
            }
            return Future.join(each);
        }, channels);
        if (channels != null && errors.isEmpty()) {
            // One channel, read by each branch in its own group: a branch commits only once its path is done.
            channels.startBranches(j -> event -> flow.branch(j, branches.get(j), event), branches.size());
        }
        return flow;
    }

    /** A Parallel's branches; what is wrong with them goes to {@code errors}. */
    static List<Branch> branches(Parallel parallel, FieldErrors errors) {
        List<ParallelBranch> specs = parallel.getSpec() == null || parallel.getSpec().getBranches() == null ? List.of()
                : parallel.getSpec().getBranches();
        if (specs.isEmpty()) {
            errors.add("spec.branches", "a Parallel needs at least one branch");
        }
        Destination reply = parallel.getSpec() == null ? null : parallel.getSpec().getReply();
        ResourceChecks.destination(errors, "spec.reply", reply);
        List<Branch> branches = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            ParallelBranch b = specs.get(i);
            if (b.getSubscriber() == null) {
                errors.missing("spec.branches[" + i + "].subscriber");
            }
            String path = "spec.branches[" + i + "]";
            ResourceChecks.destination(errors, path + ".filter", b.getFilter());
            ResourceChecks.destination(errors, path + ".subscriber", b.getSubscriber());
            ResourceChecks.destination(errors, path + ".reply", b.getReply());
            ResourceChecks.delivery(errors, path + ".delivery", b.getDelivery());
            branches.add(new Branch(b.getFilter(), new Hop(b.getSubscriber(), policy(b.getDelivery(), "spec.branches[" + i + "].delivery", errors)),
                    b.getReply() != null ? b.getReply() : reply));
        }
        return branches;
    }

    boolean ready() {
        return errors.isEmpty();
    }

    Lane lane() {
        return lane;
    }

    DeliveryMetrics metrics() {
        return metrics;
    }

    /** @return e.g. {@code Sequence default/greet-and-log} */
    String resourceName() {
        return resourceName;
    }

    /** @return "sequence" or "parallel", the metrics label */
    String kind() {
        return resource.getKind().toLowerCase();
    }

    ResourceState state() {
        if (!errors.isEmpty()) {
            return ResourceState.notReady("InvalidSpec", errors.summary());
        }
        String restarting = channels == null ? null : channels.restarting();
        if (restarting != null) {
            return ResourceState.notReady("ConsumerRestarting", restarting);
        }
        for (Destination d : destinations) {
            try {
                plane.resolve(d, namespace);
            } catch (Unresolvable e) {
                return ResourceState.notReady("DestinationNotResolved", e.getMessage());
            }
        }
        return ResourceState.ready(plane.address(resource.getKind(), namespace, resource.getMetadata().getName()));
    }

    private Future<Void> step(List<Hop> steps, Destination reply, int i, CloudEvent event) {
        Hop step = steps.get(i);
        boolean last = i + 1 == steps.size();
        String next = !last ? "step " + (i + 1) : reply != null ? "the " + kind() + "'s reply " + EventingPlane.describe(reply, namespace)
                : "nowhere: the " + kind() + " has no reply, so the chain ends";
        return hop(event, step.to(), step.policy(), "step " + i, next).compose(answer -> {
            if (answer == null) {
                return Future.<Void>succeededFuture(); // an empty reply stops the chain
            }
            if (!last) {
                return step(steps, reply, i + 1, answer);
            }
            return reply == null ? Future.<Void>succeededFuture() : hop(answer, reply, step.policy(), "reply", null).<Void>mapEmpty();
        });
    }

    private Future<Void> branch(int index, Branch b, CloudEvent event) {
        String label = "branch " + index;
        Future<CloudEvent> admitted = b.filter() == null ? Future.succeededFuture(event)
                : hop(event, b.filter(), DeliveryPolicy.NO_RETRY, label + " filter", label + " subscriber"); // an empty filter reply filters the branch out
        return admitted.compose(in -> in == null ? Future.<Void>succeededFuture()
                : hop(in, b.subscriber().to(), b.subscriber().policy(), label + " subscriber",
                        b.reply() == null ? null : label + " reply " + EventingPlane.describe(b.reply(), namespace))
                        .compose(out -> out == null || b.reply() == null
                        ? Future.<Void>succeededFuture() : hop(out, b.reply(), b.subscriber().policy(), label + " reply", null).<Void>mapEmpty()));
    }

    /**
     * Delivers one hop; completes with the reply (null when none, or when the hop failed for good), linked to the
     * event it answers.
     *
     * @param label which hop, for the journey: {@code step 0}, {@code branch 1 subscriber}...
     * @param next where a reply goes, for the journey; null when a reply goes nowhere
     */
    private Future<CloudEvent> hop(CloudEvent event, Destination destination, DeliveryPolicy policy, String label, String next) {
        URI target;
        String described = label + ": " + EventingPlane.describe(destination, namespace);
        try {
            target = plane.resolve(destination, namespace);
        } catch (Unresolvable e) {
            LOG.warning(resource.getKind() + " " + namespace + "/" + resource.getMetadata().getName() + ": " + e.getMessage());
            DeliveryTrace trace = DeliveryTrace.start(plane.journeys(), event, resourceName, described);
            return plane.dispatcher().deadLetter(trace == null ? event : trace.carry(event), EventingPlane.describe(destination, namespace),
                    Outcome.unresolved(e.getMessage()), policy, deliveryHeaders, d -> plane.resolve(d, namespace), metrics, trace)
                    .map((CloudEvent) null);
        }
        DeliveryTrace trace = DeliveryTrace.start(plane.journeys(), event, resourceName,
                destination.getRef() == null ? described : described + " (" + target + ")");
        return plane.dispatcher().deliver(trace == null ? event : trace.carry(event), target, policy, deliveryHeaders,
                d -> plane.resolve(d, namespace), null, metrics, trace).map(outcome -> {
                    if (outcome.reply() == null) {
                        return null;
                    }
                    CloudEvent reply = Causation.link(outcome.reply(), event);
                    return trace == null ? reply : trace.replied(reply, next == null ? "nowhere: the reply of the last hop is dropped" : next);
                });
    }

    private static DeliveryPolicy policy(io.fabric8.knative.duck.v1.DeliverySpec spec, String path, FieldErrors errors) {
        try {
            return DeliveryPolicy.merge(DeliveryPolicy.NO_RETRY, spec);
        } catch (IllegalArgumentException e) {
            errors.add(path, e.getMessage());
            return DeliveryPolicy.NO_RETRY;
        }
    }
}
