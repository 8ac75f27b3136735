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

        String expectation() {
            return switch (this) {
                case EXACT -> "";
                case PREFIX -> "starting with ";
                case SUFFIX -> "ending with ";
            };
        }
    }

    private final Kind kind;
    private final String path;
    private final String[] names;
    private final String[] values;

    AttributeMatch(Kind kind, Map<String, String> attributes, String path) {
        this.kind = kind;
        this.path = path;
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

    @Override
    public String explain(CloudEvent event) {
        for (int i = 0; i < names.length; i++) {
            String actual = Attributes.get(event, names[i]);
            if (actual == null) {
                return path + ": the event has no " + names[i] + " (wanted " + kind.expectation() + quote(values[i]) + ")";
            }
            if (!kind.matches(actual, values[i])) {
                return path + ": " + names[i] + " is " + quote(actual) + ", not " + kind.expectation() + quote(values[i]);
            }
        }
        return path + ": matched (" + String.join(", ", names) + ")";
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }
}
