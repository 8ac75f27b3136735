package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * The {@code exact}, {@code prefix} and {@code suffix} dialects: every listed attribute must exist and match;
 * a missing attribute fails.
 */
final class AttributeMatch implements EventFilter {

    /** How a value is compared. */
    enum Kind {
        EXACT, PREFIX, SUFFIX;

        boolean matches(String actual, String expected) {
            return switch (this) {
                case EXACT -> actual.equals(expected);
                case PREFIX -> actual.startsWith(expected);
                case SUFFIX -> actual.endsWith(expected);
            };
        }
    }

    private final Kind kind;
    private final String[] names;
    private final String[] values;

    AttributeMatch(Kind kind, Map<String, String> attributes) {
        this.kind = kind;
        this.names = attributes.keySet().toArray(String[]::new);
        this.values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = attributes.get(names[i]);
        }
    }

    @Override
    public FilterResult evaluate(CloudEvent event) {
        for (int i = 0; i < names.length; i++) {
            String actual = Attributes.get(event, names[i]);
            if (actual == null || !kind.matches(actual, values[i])) {
                return FilterResult.FAIL;
            }
        }
        return FilterResult.PASS;
    }
}
