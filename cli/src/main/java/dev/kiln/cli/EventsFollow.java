package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code kiln events -f} prints of each answer of {@code /events}: every event once when it first appears, and an
 * event that was in flight then once more when its outcome is known. The next question starts before the oldest
 * event still in flight, so its outcome is seen; an event the answer no longer holds (settled into an outcome the
 * filters leave out, or gone from the journal) is no longer waited for.
 */
final class EventsFollow {

    private final TreeSet<Long> inFlight = new TreeSet<>();
    private long printedUpTo;
    private long last;

    /**
     * @param answer a body of {@code /events}: {@code last} and {@code events}, oldest first
     * @return the events to print now, in order
     */
    List<JsonNode> next(JsonNode answer) {
        List<JsonNode> print = new ArrayList<>();
        Set<Long> present = new HashSet<>();
        for (JsonNode e : answer.path("events")) {
            long seq = e.path("seq").asLong();
            present.add(seq);
            boolean settled = !e.path("outcome").asText().equals("in-flight");
            if (seq > printedUpTo) {
                print.add(e);
                printedUpTo = seq;
                if (!settled) {
                    inFlight.add(seq);
                }
            } else if (settled && inFlight.remove(seq)) {
                print.add(e);
            }
        }
        inFlight.retainAll(present);
        last = Math.max(last, answer.path("last").asLong());
        return print;
    }

    /** @return the {@code after} of the next question */
    long after() {
        return inFlight.isEmpty() ? Math.max(last, printedUpTo) : inFlight.first() - 1;
    }
}
