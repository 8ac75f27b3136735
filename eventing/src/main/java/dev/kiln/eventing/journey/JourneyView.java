package dev.kiln.eventing.journey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kiln events}, {@code kiln trace} and the dashboard show, read from the {@link Journal}: the recent events
 * with the outcome of each, and an event's whole journey as a tree. Computed when asked, never on the event path.
 */
public final class JourneyView {

    /** An event's outcome, as {@code kiln events} names it. */
    public enum EventOutcome {
        /** Every matching Trigger (or step) delivered it. */
        DELIVERED,
        /** A delivery failed for good and the dead-letter sink took the event. */
        DEAD_LETTERED,
        /** A delivery failed for good and nothing took the event. */
        DROPPED,
        /** No Trigger's filter took it. */
        UNMATCHED,
        /** Ingress refused it (no such Broker, full, not ready, not a CloudEvent). */
        REFUSED,
        /** Ingress dropped it because it looped ({@code knativebrokerttl}). */
        TTL_DROPPED,
        /** Deliveries are still running (retries included). */
        IN_FLIGHT;

        /** @return the name as typed on the command line: {@code dead-lettered} */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * @param label e.g. {@code dead-lettered}
         * @return the outcome
         * @throws IllegalArgumentException for an unknown one, naming them all
         */
        public static EventOutcome parse(String label) {
            for (EventOutcome o : values()) {
                if (o.label().equals(label.toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown outcome " + label + "; use one of "
                    + java.util.Arrays.stream(values()).map(EventOutcome::label).toList());
        }
    }

    /**
     * Which events to show; null fields match everything.
     *
     * @param type the event type
     * @param source the event source
     * @param trigger a Trigger ({@code name} or {@code namespace/name}) that matched the event
     * @param outcome the event's outcome
     */
    public record Query(String type, String source, String trigger, EventOutcome outcome) {
        /** Every event. */
        public static final Query ALL = new Query(null, null, null, null);
    }

    private JourneyView() {
    }

    /**
     * The recent events: each arrival at a Broker, Sequence or Parallel that is not the same event forwarded by the
     * plane itself (a Trigger delivering to a Sequence: {@link Step#link()} set), with its outcome.
     *
     * @param journal the journal
     * @param after show events recorded after this sequence number (0: all kept)
     * @param limit the most events shown (the newest)
     * @param query filters
     * @return one map per event, oldest first: {@code seq, at, id, type, source, resource, outcome, matched, detail, trace}
     */
    public static List<Map<String, Object>> events(Journal journal, long after, int limit, Query query) {
        List<Step> all = journal.since(0, Integer.MAX_VALUE);
        Map<String, List<Step>> children = new HashMap<>();
        for (Step s : all) {
            if (s.parent() != null) {
                children.computeIfAbsent(s.parent(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (Step s : all) {
            if (s.seq() <= after || s.kind() != Step.Kind.INGRESS || s.link() != null) {
                continue; // a forwarded arrival is part of its event's row
            }
            List<String> matched = new ArrayList<>();
            for (Step.FilterMatch f : s.filters()) {
                if (f.matched()) {
                    matched.add(f.trigger());
                }
            }
            EventOutcome outcome = outcome(s, children, matched.size());
            if (!matches(query, s, matched, outcome)) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seq", s.seq());
            e.put("at", java.time.Instant.EPOCH.plusNanos(s.epochMicros() * 1000).toString());
            e.put("id", s.eventId());
            e.put("type", s.type());
            e.put("source", s.source());
            e.put("resource", s.resource());
            e.put("outcome", outcome.label());
            e.put("matched", matched);
            e.put("detail", detail(s, children, outcome));
            e.put("trace", s.trace());
            events.add(e);
        }
        return events.size() <= limit ? events : new ArrayList<>(events.subList(events.size() - limit, events.size()));
    }

    private static boolean matches(Query q, Step s, List<String> matched, EventOutcome outcome) {
        if (q.type() != null && !q.type().equals(s.type())) {
            return false;
        }
        if (q.source() != null && !q.source().equals(s.source())) {
            return false;
        }
        if (q.trigger() != null && matched.stream().noneMatch(t -> t.equals(q.trigger()) || t.endsWith("/" + q.trigger()))) {
            return false;
        }
        return q.outcome() == null || q.outcome() == outcome;
    }

    /** The outcome of an arrival: the worst of its deliveries, or what ingress decided. */
    private static EventOutcome outcome(Step ingress, Map<String, List<Step>> children, int matched) {
        if (ingress.outcome() == Step.Outcome.REFUSED) {
            return EventOutcome.REFUSED;
        }
        if (ingress.outcome() == Step.Outcome.TTL_DROPPED) {
            return EventOutcome.TTL_DROPPED;
        }
        List<Step> deliveries = children.getOrDefault(ingress.span(), List.of()).stream().filter(c -> c.kind() == Step.Kind.DELIVERY).toList();
        boolean flow = ingress.filters().isEmpty() && !ingress.resource().startsWith("Broker ");
        if (!flow && matched == 0 && deliveries.isEmpty()) {
            // A durable Broker's Triggers filter in their consumers: their FILTER steps say.
            boolean consumedMatch = children.getOrDefault(ingress.span(), List.of()).stream()
                    .anyMatch(c -> c.kind() == Step.Kind.FILTER && c.outcome() == Step.Outcome.MATCHED);
            if (!consumedMatch) {
                return EventOutcome.UNMATCHED;
            }
        }
        if (deliveries.stream().anyMatch(d -> d.outcome() == Step.Outcome.DROPPED)) {
            return EventOutcome.DROPPED;
        }
        if (deliveries.stream().anyMatch(d -> d.outcome() == Step.Outcome.DEAD_LETTERED)) {
            return EventOutcome.DEAD_LETTERED;
        }
        if (deliveries.isEmpty() || !flow && deliveries.size() < matched) {
            return EventOutcome.IN_FLIGHT;
        }
        return EventOutcome.DELIVERED;
    }

    private static String detail(Step ingress, Map<String, List<Step>> children, EventOutcome outcome) {
        return switch (outcome) {
            case REFUSED, TTL_DROPPED -> ingress.detail();
            case DROPPED, DEAD_LETTERED -> children.getOrDefault(ingress.span(), List.of()).stream()
                    .filter(c -> c.kind() == Step.Kind.DELIVERY && c.outcome() != Step.Outcome.DELIVERED)
                    .map(c -> c.resource() + ": " + c.detail()).findFirst().orElse(null);
            case UNMATCHED -> ingress.filters().isEmpty() ? "the Broker has no Triggers" : "no Trigger's filter took it";
            default -> null;
        };
    }

    /**
     * An event's whole journey: every trace it took part in (a replayed event has several), each a tree of steps with
     * times, outcomes and why; filters that did not match say which attribute differed.
     *
     * @param journal the journal
     * @param id an event id or a trace id
     * @return {@code {id, journeys: [{trace, steps: [step with children...]}]}}; no journeys when it is not kept
     */
    public static Map<String, Object> trace(Journal journal, String id) {
        List<Map<String, Object>> journeys = new ArrayList<>();
        for (String trace : journal.traces(id)) {
            List<Step> steps = journal.trace(trace);
            Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
            for (Step s : steps) {
                Map<String, Object> node = s.describe(true);
                node.put("children", new ArrayList<Map<String, Object>>());
                nodes.put(s.span(), node);
            }
            List<Map<String, Object>> roots = new ArrayList<>();
            Set<String> known = nodes.keySet();
            for (Step s : steps) {
                // A step under another process's span (a function's) goes under the plane's step it follows.
                String under = s.parent() != null && known.contains(s.parent()) ? s.parent() : s.link() != null && known.contains(s.link()) ? s.link() : null;
                if (under == null) {
                    roots.add(nodes.get(s.span()));
                } else {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> c = (List<Map<String, Object>>) nodes.get(under).get("children");
                    c.add(nodes.get(s.span()));
                }
            }
            Map<String, Object> journey = new LinkedHashMap<>();
            journey.put("trace", trace);
            journey.put("steps", roots);
            journeys.add(journey);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("journeys", journeys);
        return result;
    }
}
