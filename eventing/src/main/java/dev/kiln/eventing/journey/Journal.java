package dev.kiln.eventing.journey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The plane's recent journeys: a ring of the last {@code capacity} steps. Bounded by steps rather than by journeys,
 * so what it holds does not grow with a Broker's fan-out; a journey whose first steps were overwritten shows what is
 * left. Writing is one atomic increment and one array store, and nothing is read on the event path: queries (a
 * trace, the steps since a sequence number) scan the ring when someone asks.
 */
public final class Journal {

    private final AtomicReferenceArray<Step> ring;
    private final AtomicLong next = new AtomicLong(1);

    /** @param capacity steps kept */
    public Journal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a journal keeps at least one step, not " + capacity);
        }
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    /** @return how many steps it keeps */
    public int capacity() {
        return ring.length();
    }

    /** @return the sequence number the next step gets */
    long claim() {
        return next.getAndIncrement();
    }

    void add(Step step) {
        ring.set((int) (step.seq() % ring.length()), step);
    }

    /** @return the sequence number of the newest step (0 when there is none) */
    public long last() {
        return next.get() - 1;
    }

    /**
     * @param after a sequence number (0 for everything kept)
     * @param limit the most steps returned (the newest ones)
     * @return steps with a larger sequence number, oldest first
     */
    public List<Step> since(long after, int limit) {
        List<Step> found = new ArrayList<>();
        for (int i = 0; i < ring.length(); i++) {
            Step s = ring.get(i);
            if (s != null && s.seq() > after) {
                found.add(s);
            }
        }
        found.sort(Comparator.comparingLong(Step::seq));
        return found.size() <= limit ? found : new ArrayList<>(found.subList(found.size() - limit, found.size()));
    }

    /**
     * @param traceId a trace id
     * @return its steps, oldest first
     */
    public List<Step> trace(String traceId) {
        List<Step> found = new ArrayList<>();
        for (int i = 0; i < ring.length(); i++) {
            Step s = ring.get(i);
            if (s != null && s.trace().equals(traceId)) {
                found.add(s);
            }
        }
        found.sort(Comparator.comparingLong(Step::epochMicros).thenComparingLong(Step::seq));
        return found;
    }

    /**
     * @param id an event id or a trace id
     * @return the traces of every journey the event took part in (a replayed event has several), oldest first; the
     *     trace itself when {@code id} is one
     */
    public List<String> traces(String id) {
        Set<String> traces = new LinkedHashSet<>();
        for (Step s : since(0, Integer.MAX_VALUE)) {
            if (id.equals(s.eventId()) || id.equals(s.trace())) {
                traces.add(s.trace());
            }
        }
        return new ArrayList<>(traces);
    }
}
