package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;

/** The {@code all}, {@code any} and {@code not} dialects, with Knative's three-valued rules. */
final class Composite {

    private Composite() {
    }

    /** Every nested filter passes; stops at the first failure; NO_FILTER when there is nothing to check. */
    static EventFilter all(List<EventFilter> filters, String path) {
        EventFilter[] nested = filters.toArray(EventFilter[]::new);
        return new EventFilter() {
            @Override
            public FilterResult evaluate(CloudEvent event) {
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
            }

            @Override
            public String explain(CloudEvent event) {
                List<String> passed = new ArrayList<>();
                for (EventFilter f : nested) {
                    if (f.evaluate(event) == FilterResult.FAIL) {
                        return f.explain(event); // the first that failed decided
                    }
                    passed.add(f.explain(event));
                }
                return passed.isEmpty() ? path + ": nothing to check, every event matches" : String.join("; ", passed);
            }
        };
    }

    /** At least one nested filter passes; stops at the first pass; NO_FILTER when none evaluated anything. */
    static EventFilter any(List<EventFilter> filters, String path) {
        EventFilter[] nested = filters.toArray(EventFilter[]::new);
        return new EventFilter() {
            @Override
            public FilterResult evaluate(CloudEvent event) {
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
            }

            @Override
            public String explain(CloudEvent event) {
                List<String> failed = new ArrayList<>();
                for (EventFilter f : nested) {
                    FilterResult r = f.evaluate(event);
                    if (r == FilterResult.PASS) {
                        return f.explain(event); // the first that passed decided
                    }
                    if (r == FilterResult.FAIL) {
                        failed.add(f.explain(event));
                    }
                }
                return failed.isEmpty() ? path + ": nothing to check, every event matches" : path + ": none matched: " + String.join("; ", failed);
            }
        };
    }

    /** Inverts the nested filter; NO_FILTER stays NO_FILTER. */
    static EventFilter not(EventFilter filter, String path) {
        return new EventFilter() {
            @Override
            public FilterResult evaluate(CloudEvent event) {
                return switch (filter.evaluate(event)) {
                    case PASS -> FilterResult.FAIL;
                    case FAIL -> FilterResult.PASS;
                    case NO_FILTER -> FilterResult.NO_FILTER;
                };
            }

            @Override
            public String explain(CloudEvent event) {
                return switch (filter.evaluate(event)) {
                    case PASS -> path + ": the nested filter matched, so not does not (" + filter.explain(event) + ")";
                    case FAIL -> path + ": the nested filter did not match, so not does (" + filter.explain(event) + ")";
                    case NO_FILTER -> path + ": nothing to check, every event matches";
                };
            }
        };
    }
}
