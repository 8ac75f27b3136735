package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * Legacy {@code spec.filter.attributes}: exact, case-sensitive matches, ANDed; an empty value means the
 * attribute must be present and non-empty (the MT broker's reading, which Kiln follows; the Kafka broker
 * instead ignores such entries).
 */
final class LegacyAttributes implements EventFilter {

    private static final String PATH = "spec.filter.attributes";

    private final String[] names;
    private final String[] values;

    LegacyAttributes(Map<String, String> attributes) {
        this.names = attributes.keySet().toArray(String[]::new);
        this.values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = attributes.get(names[i]) == null ? "" : attributes.get(names[i]);
        }
    }

    @Override
    public FilterResult evaluate(CloudEvent event) {
        for (int i = 0; i < names.length; i++) {
            String actual = Attributes.get(event, names[i]);
            if (actual == null || actual.isEmpty() || !values[i].isEmpty() && !values[i].equals(actual)) {
                return FilterResult.FAIL;
            }
        }
        return names.length == 0 ? FilterResult.NO_FILTER : FilterResult.PASS;
    }

    @Override
    public String explain(CloudEvent event) {
        for (int i = 0; i < names.length; i++) {
            String actual = Attributes.get(event, names[i]);
            if (actual == null || actual.isEmpty()) {
                return PATH + "." + names[i] + ": the event has no " + names[i]
                        + (values[i].isEmpty() ? "" : " (wanted " + AttributeMatch.quote(values[i]) + ")");
            }
            if (!values[i].isEmpty() && !values[i].equals(actual)) {
                return PATH + "." + names[i] + ": " + names[i] + " is " + AttributeMatch.quote(actual) + ", not " + AttributeMatch.quote(values[i]);
            }
        }
        return names.length == 0 ? "no filter: every event matches" : PATH + ": matched (" + String.join(", ", names) + ")";
    }
}
