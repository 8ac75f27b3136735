package dev.kiln.eventing.journey;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One arrival's part of a journey, while ingress decides: its span (a child of the span the event came with, or a new
 * trace), the Broker's Triggers' filter results, and at the end one {@link Step.Kind#INGRESS} step.
 */
public final class IngressTrace {

    private final Journeys journeys;
    private final TraceContext context;
    private final String parent;
    private final String resource;
    private final long start = Journeys.now();
    private final List<Step.FilterMatch> filters = new ArrayList<>(4);

    private final boolean forwarded;

    private IngressTrace(Journeys journeys, TraceContext context, String parent, String resource, boolean forwarded) {
        this.journeys = journeys;
        this.context = context;
        this.parent = parent;
        this.resource = resource;
        this.forwarded = forwarded;
    }

    /**
     * @param journeys the recorder
     * @param traceparent the request's {@code traceparent} header, or null (then the event's extension counts)
     * @param event the event as it arrived, or null when it could not be read
     * @param resource where it arrived, e.g. {@code Broker default/default}
     * @param forwarded whether one of the plane's own deliveries sent it (a Trigger to a Sequence): then it is the same
     *     event going on, not a new arrival, and its step links to that delivery
     * @return the arrival's trace, or null when nothing is recorded
     */
    public static IngressTrace start(Journeys journeys, String traceparent, CloudEvent event, String resource, boolean forwarded) {
        if (!journeys.on()) {
            return null;
        }
        TraceContext incoming = TraceContext.parse(traceparent);
        if (incoming == null && event != null) {
            incoming = TraceContext.of(event);
        }
        return new IngressTrace(journeys, Journeys.next(incoming), incoming == null ? null : incoming.spanId(), resource, forwarded && incoming != null);
    }

    /** @return this arrival's span: the event carries it on, so its deliveries go under it */
    public TraceContext context() {
        return context;
    }

    /**
     * A Trigger of the Broker filtered the event.
     *
     * @param trigger {@code namespace/name}
     * @param matched whether it takes the event
     * @param explanation why, computed when someone asks
     */
    public void filtered(String trigger, boolean matched, Step.Explanation explanation) {
        filters.add(new Step.FilterMatch(trigger, matched, explanation));
    }

    /**
     * Ingress decided.
     *
     * @param event the event as accepted (or as it arrived, when refused), or null when it could not be read
     * @param outcome accepted, refused or dropped
     * @param detail why, or null
     */
    public void finished(CloudEvent event, Step.Outcome outcome, String detail) {
        journeys.record(Step.Kind.INGRESS, context, parent, forwarded ? parent : null, resource, null, event, outcome, detail, List.copyOf(filters),
                List.of(), start, true);
    }

    /**
     * A durable Broker's Trigger read the event from its topic and filtered it: a step of its own, under the ingress
     * that stored the event.
     *
     * @param journeys the recorder
     * @param event the event as read (its {@code traceparent} names its ingress)
     * @param trigger {@code namespace/name}
     * @param matched whether the filter took it
     * @param explanation why
     */
    public static void consumed(Journeys journeys, CloudEvent event, String trigger, boolean matched, Step.Explanation explanation) {
        if (!journeys.on()) {
            return;
        }
        TraceContext incoming = TraceContext.of(event);
        journeys.record(Step.Kind.FILTER, Journeys.next(incoming), incoming == null ? null : incoming.spanId(), null, "Trigger " + trigger, null, event,
                matched ? Step.Outcome.MATCHED : Step.Outcome.NOT_MATCHED, null, List.of(new Step.FilterMatch(trigger, matched, explanation)),
                List.of(), Journeys.now(), false);
    }
}
