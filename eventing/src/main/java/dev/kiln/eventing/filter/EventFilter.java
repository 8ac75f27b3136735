package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;

/** A compiled Trigger filter; evaluated per event, never re-parsed. */
public interface EventFilter {

    /** Delivers everything: a Trigger with neither {@code filter} nor {@code filters}. */
    EventFilter NONE = new EventFilter() {
        @Override
        public FilterResult evaluate(CloudEvent event) {
            return FilterResult.NO_FILTER;
        }

        @Override
        public String explain(CloudEvent event) {
            return "no filter: every event matches";
        }
    };

    /**
     * @param event the event
     * @return whether it passes
     */
    FilterResult evaluate(CloudEvent event);

    /**
     * Says why the filter decides as it does: which filter (by its field path) decided, and for a filter that did
     * not match, which attribute differed. Only asked when someone looks at a journey, never on the event path.
     *
     * @param event the event
     * @return e.g. {@code spec.filters[0].exact: type is "dev.kiln.other", not "dev.kiln.hello"}
     */
    String explain(CloudEvent event);
}
