package dev.kiln.eventing.filter;

/**
 * Knative's three-valued filter outcome: only {@link #FAIL} drops an event. {@link #NO_FILTER} (nothing to
 * evaluate, e.g. an empty {@code any}) delivers, and {@code not} of it stays {@code NO_FILTER}.
 */
public enum FilterResult {
    /** The event matches. */
    PASS,
    /** The event does not match and is not delivered. */
    FAIL,
    /** Nothing was evaluated; the event is delivered. */
    NO_FILTER;

    /** @return whether the event is delivered */
    public boolean delivers() {
        return this != FAIL;
    }

    static FilterResult of(boolean pass) {
        return pass ? PASS : FAIL;
    }
}
