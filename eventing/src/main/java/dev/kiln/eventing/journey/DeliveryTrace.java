package dev.kiln.eventing.journey;

import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One delivery's part of a journey, while it runs: its span (a child of the span the event arrived with), each
 * attempt as it is answered, the replies it got, and at the end one {@link Step.Kind#DELIVERY} step. Attempts of one
 * delivery are sequential, so no locking is needed.
 */
public final class DeliveryTrace {

    private final Journeys journeys;
    private final TraceContext context;
    private final String parent;
    private final String resource;
    private final String target;
    private final long start = Journeys.now();
    private final List<Step.Attempt> attempts = new ArrayList<>(2);
    private CloudEvent event;

    private DeliveryTrace(Journeys journeys, TraceContext context, String parent, String resource, String target) {
        this.journeys = journeys;
        this.context = context;
        this.parent = parent;
        this.resource = resource;
        this.target = target;
    }

    /**
     * @param journeys the recorder
     * @param event the event about to be delivered (its {@code traceparent} names the step it comes from)
     * @param resource who delivers, e.g. {@code Trigger default/hellos}
     * @param target where to, for the record
     * @return the delivery's trace, or null when nothing is recorded
     */
    public static DeliveryTrace start(Journeys journeys, CloudEvent event, String resource, String target) {
        if (!journeys.on()) {
            return null;
        }
        TraceContext incoming = TraceContext.of(event);
        DeliveryTrace t = new DeliveryTrace(journeys, Journeys.next(incoming), incoming == null ? null : incoming.spanId(), resource, target);
        t.event = event;
        return t;
    }

    /** @return the delivery's span, as a {@code traceparent} value for the request */
    public String traceparent() {
        return context.traceparent();
    }

    /**
     * @param out the event as it is sent
     * @return it carrying this delivery's span, so what the destination does next joins the journey
     */
    public CloudEvent carry(CloudEvent out) {
        return Journeys.carry(out, context);
    }

    /**
     * An attempt was answered (or failed without an answer).
     *
     * @param number from 1
     * @param to where it went
     * @param status the status, 0 without one
     * @param error what went wrong, or null
     * @param nanos how long it took
     */
    public void answered(int number, URI to, int status, String error, long nanos) {
        attempts.add(new Step.Attempt(number, to.toString(), status, nanos / 1000, error, -1));
    }

    /** @param waitMillis the wait before the next attempt, after the last answered one */
    public void retrying(long waitMillis) {
        int last = attempts.size() - 1;
        if (last >= 0) {
            Step.Attempt a = attempts.get(last);
            attempts.set(last, new Step.Attempt(a.number(), a.target(), a.status(), a.micros(), a.error(), waitMillis));
        }
    }

    /**
     * The destination replied: records the reply and where it goes.
     *
     * @param reply the reply (with its causation already linked)
     * @param to where the plane sends it, e.g. {@code Broker default/default} or {@code step 1}
     * @return the reply carrying the span of its {@link Step.Kind#REPLY} step, so where it goes next joins the journey
     *     under it
     */
    public CloudEvent replied(CloudEvent reply, String to) {
        // A function that traces gives its reply its own span (a child of this delivery): the reply step goes under
        // that span, and names this delivery as its link for a journal that never saw the function's span.
        TraceContext theirs = TraceContext.of(reply);
        boolean functionSpan = theirs != null && theirs.traceId().equals(context.traceId()) && !theirs.spanId().equals(context.spanId());
        TraceContext mine = context.child();
        journeys.record(Step.Kind.REPLY, mine, functionSpan ? theirs.spanId() : context.spanId(), functionSpan ? context.spanId() : null,
                resource, to, reply, Step.Outcome.REPLIED, "replied with " + reply.getType() + " (" + reply.getId() + "), sent to " + to,
                List.of(), List.of(), Journeys.now(), true);
        return Journeys.carry(reply, mine);
    }

    /**
     * The delivery's outcome is final.
     *
     * @param outcome delivered, dead-lettered or dropped
     * @param detail why, or null
     */
    public void finished(Step.Outcome outcome, String detail) {
        journeys.record(Step.Kind.DELIVERY, context, parent, null, resource, target, event, outcome, detail, List.of(), List.copyOf(attempts),
                start, false);
    }
}
