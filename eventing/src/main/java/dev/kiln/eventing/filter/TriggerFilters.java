package dev.kiln.eventing.filter;

import dev.kiln.api.validation.FieldErrors;
import io.cloudevents.sql.ParseException;
import io.cloudevents.sql.Parser;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.TriggerFilter;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compiles a Trigger's filter once, when the Trigger is applied. {@code spec.filters} wins entirely when it
 * is non-empty; otherwise {@code spec.filter.attributes} applies; neither delivers everything.
 *
 * <p>Stricter than Knative's data plane where that one is silent: a filter object with no dialect or
 * several, an empty name or value in {@code exact}/{@code prefix}/{@code suffix}, and a CESQL expression
 * that does not parse are all errors with their field path, which make the Trigger not ready, rather than
 * filters that are quietly skipped.
 */
public final class TriggerFilters {

    private static final Pattern ATTRIBUTE = Pattern.compile("^[a-z][a-z0-9]*$");

    private TriggerFilters() {
    }

    /**
     * @param spec a Trigger's spec
     * @param errors collects every problem, with paths under {@code spec}
     * @return the compiled filter (meaningless when {@code errors} is not empty)
     */
    public static EventFilter compile(TriggerSpec spec, FieldErrors errors) {
        List<SubscriptionsAPIFilter> filters = spec.getFilters();
        if (filters != null && !filters.isEmpty()) {
            return Composite.all(compileList(filters, "spec.filters", errors), "spec.filters");
        }
        TriggerFilter legacy = spec.getFilter();
        if (legacy != null && legacy.getAttributes() != null && !legacy.getAttributes().isEmpty()) {
            legacy.getAttributes().keySet().forEach(name -> attributeName(name, "spec.filter.attributes", errors));
            return new LegacyAttributes(legacy.getAttributes());
        }
        return EventFilter.NONE;
    }

    private static List<EventFilter> compileList(List<SubscriptionsAPIFilter> filters, String path, FieldErrors errors) {
        List<EventFilter> compiled = new ArrayList<>(filters.size());
        for (int i = 0; i < filters.size(); i++) {
            compiled.add(compileOne(filters.get(i), path + "[" + i + "]", errors));
        }
        return compiled;
    }

    private static EventFilter compileOne(SubscriptionsAPIFilter f, String path, FieldErrors errors) {
        if (f == null) {
            errors.add(path, "a filter must set exactly one of exact, prefix, suffix, all, any, not, cesql");
            return EventFilter.NONE;
        }
        List<String> dialects = new ArrayList<>();
        EventFilter result = EventFilter.NONE;
        if (present(f.getExact())) {
            dialects.add("exact");
            result = match(AttributeMatch.Kind.EXACT, f.getExact(), path + ".exact", errors);
        }
        if (present(f.getPrefix())) {
            dialects.add("prefix");
            result = match(AttributeMatch.Kind.PREFIX, f.getPrefix(), path + ".prefix", errors);
        }
        if (present(f.getSuffix())) {
            dialects.add("suffix");
            result = match(AttributeMatch.Kind.SUFFIX, f.getSuffix(), path + ".suffix", errors);
        }
        if (present(f.getAll())) {
            dialects.add("all");
            result = Composite.all(compileList(f.getAll(), path + ".all", errors), path + ".all");
        }
        if (present(f.getAny())) {
            dialects.add("any");
            result = Composite.any(compileList(f.getAny(), path + ".any", errors), path + ".any");
        }
        if (f.getNot() != null) {
            dialects.add("not");
            result = Composite.not(compileOne(f.getNot(), path + ".not", errors), path + ".not");
        }
        if (f.getCesql() != null) {
            dialects.add("cesql");
            result = cesql(f.getCesql(), path + ".cesql", errors);
        }
        if (dialects.size() != 1) {
            errors.add(path, dialects.isEmpty()
                    ? "a filter must set exactly one of exact, prefix, suffix, all, any, not, cesql"
                    : "multiple dialects found (" + String.join(", ", dialects) + "); use one per filter and combine with all or any");
        }
        return result;
    }

    /** The Knative model starts maps and lists empty, so an empty one is indistinguishable from an absent one. */
    private static boolean present(java.util.Map<?, ?> m) {
        return m != null && !m.isEmpty();
    }

    private static boolean present(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private static EventFilter match(AttributeMatch.Kind kind, Map<String, String> attributes, String path, FieldErrors errors) {
        attributes.forEach((name, value) -> {
            attributeName(name, path, errors);
            if (value == null || value.isEmpty()) {
                errors.add(path + "." + name, "must not be empty; use exists-style CESQL (e.g. \"" + name + " <> ''\") to require presence");
            }
        });
        return new AttributeMatch(kind, attributes, path);
    }

    private static void attributeName(String name, String path, FieldErrors errors) {
        if (!ATTRIBUTE.matcher(name).matches()) {
            errors.add(path + "." + name, "attribute names are lower-case letters and digits, starting with a letter");
        }
    }

    private static EventFilter cesql(String expression, String path, FieldErrors errors) {
        if (expression.isBlank()) {
            errors.add(path, "must not be empty");
            return EventFilter.NONE;
        }
        try {
            return new Cesql(Parser.parseDefault(expression), expression, path);
        } catch (ParseException e) {
            errors.add(path, "does not parse as CESQL: " + e.getMessage().split("\n")[0]);
            return EventFilter.NONE;
        } catch (RuntimeException e) {
            // cloudevents-sql 4.0.1's error listener throws NullPointerException for some syntax errors (an
            // unwanted token, e.g. "type == 'x'"): still a parse error, reported without the parser's detail.
            errors.add(path, "does not parse as CESQL: syntax error in \"" + expression + "\"");
            return EventFilter.NONE;
        }
    }
}
