package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;

/** A compiled Trigger filter; evaluated per event, never re-parsed. */
@FunctionalInterface
public interface EventFilter {

    /** Delivers everything: a Trigger with neither {@code filter} nor {@code filters}. */
    EventFilter NONE = event -> FilterResult.NO_FILTER;

    /**
     * @param event the event
     * @return whether it passes
     */
    FilterResult evaluate(CloudEvent event);
}
