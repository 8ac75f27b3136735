package dev.kiln.eventing.journey;

import io.cloudevents.CloudEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of an event's journey through the plane: it arrived somewhere, it was delivered (with every attempt), it
 * caused a reply. Steps of one journey share a trace id and name their parent step's span, as W3C trace context does,
 * so a journey is a tree; a journey that leaves the plane (a Trigger delivering to a Sequence, a function replying)
 * stays one tree because the span travels with the event ({@link TraceContext}).
 *
 * @param seq the journal's sequence number (later steps have larger numbers)
 * @param epochMicros when the step started, microseconds since the epoch
 * @param micros how long it took (0 for what happens at once, such as ingress)
 * @param trace the trace id
 * @param span this step's span id
 * @param parent the span it belongs under, or null for the root of a journey
 * @param link the plane's own step this one follows: the delivery that caused a reply when the reply's parent is a span
 *     of another process (a function's), so a journey read from the journal alone still forms one tree; or, on an
 *     arrival the plane forwarded to itself (a Trigger delivering to a Sequence), that delivery; else null
 * @param kind what kind of step
 * @param resource where it happened, e.g. {@code Broker default/default}, {@code Trigger default/hellos},
 *     {@code Sequence default/greet-and-log}
 * @param target where the event went: the subscriber, a step's destination, the dead-letter sink (null for ingress)
 * @param eventId the event's id
 * @param type the event's type
 * @param source the event's source
 * @param outcome what happened
 * @param detail why, in words: the refusal, the last failure, where a reply went
 * @param filters at a Broker's ingress, each of its Triggers' filter result (empty elsewhere)
 * @param attempts for a delivery, each HTTP attempt (empty elsewhere)
 * @param event the event as it was at this step (at ingress only; its data is dropped when large), or null
 */
public record Step(long seq, long epochMicros, long micros, String trace, String span, String parent, String link, Kind kind,
        String resource, String target, String eventId, String type, String source, Outcome outcome, String detail,
        List<FilterMatch> filters, List<Attempt> attempts, CloudEvent event) {

    /** What kind of step. */
    public enum Kind {
        /** An event arrived at a Broker, a Sequence or a Parallel. */
        INGRESS,
        /** A durable Broker's Trigger read an event from the topic and filtered it. */
        FILTER,
        /** A Trigger, a flow step or a branch sent an event to its destination (retries and dead letter included). */
        DELIVERY,
        /** A destination answered with an event. */
        REPLY
    }

    /** What happened at a step. */
    public enum Outcome {
        /** Ingress took the event. */
        ACCEPTED,
        /** Ingress refused the event (no such Broker, not ready, full, invalid, Kafka unavailable). */
        REFUSED,
        /** Ingress dropped the event: its {@code knativebrokerttl} ran out (it looped). */
        TTL_DROPPED,
        /** A Trigger's filter took the event. */
        MATCHED,
        /** A Trigger's filter did not take the event. */
        NOT_MATCHED,
        /** The destination accepted the event. */
        DELIVERED,
        /** Every attempt failed; the dead-letter sink took the event. */
        DEAD_LETTERED,
        /** Every attempt failed and no dead-letter sink took the event: it is gone. */
        DROPPED,
        /** A reply was sent on. */
        REPLIED
    }

    /**
     * One Trigger's filter at a Broker's ingress.
     *
     * @param trigger {@code namespace/name}
     * @param matched whether the filter took the event
     * @param explanation says which filter decided, and which attribute differed
     */
    public record FilterMatch(String trigger, boolean matched, Explanation explanation) {
    }

    /** Says why a filter decided as it did; computed only when someone asks. */
    @FunctionalInterface
    public interface Explanation {
        /** @return e.g. {@code spec.filters[0].exact: type is dev.kiln.other, not dev.kiln.hello} */
        String why();
    }

    /**
     * One HTTP attempt of a delivery.
     *
     * @param number from 1
     * @param target where it went (the subscriber, or the dead-letter sink)
     * @param status the HTTP status, 0 when there was no answer
     * @param micros how long the attempt took
     * @param error what went wrong without a status, or why the answer was not acceptable, else null
     * @param retryInMillis the wait before the next attempt, or -1 when there was none
     */
    public record Attempt(int number, String target, int status, long micros, String error, long retryInMillis) {
    }

    /** @return whether this is the first step of its journey */
    public boolean root() {
        return parent == null && link == null;
    }

    /**
     * @param explain whether to compute the filters' explanations
     * @return the step as JSON-ready maps and lists, for the local API, {@code kiln trace} and the dashboard
     */
    public Map<String, Object> describe(boolean explain) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("at", java.time.Instant.EPOCH.plusNanos(epochMicros * 1000).toString());
        m.put("micros", micros);
        m.put("trace", trace);
        m.put("span", span);
        m.put("parent", parent);
        m.put("link", link);
        m.put("kind", kind.name());
        m.put("resource", resource);
        m.put("target", target);
        m.put("id", eventId);
        m.put("type", type);
        m.put("source", source);
        m.put("outcome", outcome.name());
        m.put("detail", detail);
        if (!filters.isEmpty()) {
            m.put("filters", filters.stream().map(f -> {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("trigger", f.trigger());
                fm.put("matched", f.matched());
                if (explain) {
                    fm.put("why", f.explanation().why());
                }
                return fm;
            }).toList());
        }
        if (!attempts.isEmpty()) {
            m.put("attempts", attempts.stream().map(a -> {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("number", a.number());
                am.put("target", a.target());
                am.put("status", a.status());
                am.put("micros", a.micros());
                am.put("error", a.error());
                am.put("retryInMillis", a.retryInMillis());
                return am;
            }).toList());
        }
        if (event != null && explain) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (String name : event.getAttributeNames()) {
                Object v = event.getAttribute(name);
                attributes.put(name, v == null ? null : v.toString());
            }
            for (String name : event.getExtensionNames()) {
                Object v = event.getExtension(name);
                attributes.put(name, v == null ? null : v instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b) : v.toString());
            }
            m.put("attributes", attributes);
            if (event.getData() != null) {
                byte[] data = event.getData().toBytes();
                m.put("data", new String(data, 0, Math.min(data.length, 4096), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}
