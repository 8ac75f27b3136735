package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;
import java.util.List;

/** The {@code all}, {@code any} and {@code not} dialects, with Knative's three-valued rules. */
final class Composite {

    private Composite() {
    }

    /** Every nested filter passes; stops at the first failure; NO_FILTER when there is nothing to check. */
    static EventFilter all(List<EventFilter> filters) {
        EventFilter[] nested = filters.toArray(EventFilter[]::new);
        return event -> {
            FilterResult result = FilterResult.NO_FILTER;
            for (EventFilter f : nested) {
                FilterResult r = f.evaluate(event);
                if (r == FilterResult.FAIL) {
                    return FilterResult.FAIL;
                }
                if (r == FilterResult.PASS) {
                    result = FilterResult.PASS;
                }
            }
            return result;
        };
    }

    /** At least one nested filter passes; stops at the first pass; NO_FILTER when none evaluated anything. */
    static EventFilter any(List<EventFilter> filters) {
        EventFilter[] nested = filters.toArray(EventFilter[]::new);
        return event -> {
            FilterResult result = FilterResult.NO_FILTER;
            for (EventFilter f : nested) {
                FilterResult r = f.evaluate(event);
                if (r == FilterResult.PASS) {
                    return FilterResult.PASS;
                }
                if (r == FilterResult.FAIL) {
                    result = FilterResult.FAIL;
                }
            }
            return result;
        };
    }

    /** Inverts the nested filter; NO_FILTER stays NO_FILTER. */
    static EventFilter not(EventFilter filter) {
        return (CloudEvent event) -> switch (filter.evaluate(event)) {
            case PASS -> FilterResult.FAIL;
            case FAIL -> FilterResult.PASS;
            case NO_FILTER -> FilterResult.NO_FILTER;
        };
    }
}
