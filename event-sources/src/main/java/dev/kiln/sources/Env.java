package dev.kiln.sources;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An adapter's configuration as environment variables (Knative's source contract: {@code K_SINK},
 * {@code K_CE_OVERRIDES}, plus each source's settings). Every problem is collected, so a misconfigured adapter
 * reports all of them at once instead of one per restart.
 */
public final class Env {

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    /** @param values the environment, e.g. {@code System.getenv()} */
    public Env(Map<String, String> values) {
        this.values = values;
    }

    /** @return the value, or null (recorded as a problem) when unset or blank */
    public String required(String name, String what) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            problems.add(name + " is not set: " + what);
            return null;
        }
        return v.trim();
    }

    /** @return the trimmed value, or {@code fallback} when unset or blank */
    public String optional(String name, String fallback) {
        String v = values.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** @return {@code true}/{@code false}; anything else is a problem */
    public boolean bool(String name, boolean fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        problems.add(name + "=" + v + ": must be true or false");
        return fallback;
    }

    /** @return the number, at least {@code min} */
    public int integer(String name, int fallback, int min) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + "=" + v + ": must be a whole number of at least " + min);
        return fallback;
    }

    /** @return an ISO-8601 duration such as {@code PT0.05S} */
    public Duration duration(String name, Duration fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = Duration.parse(v);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        problems.add(name + "=" + v + ": must be an ISO-8601 duration such as PT0.5S");
        return fallback;
    }

    /** @return the comma-separated items, trimmed, without empty ones */
    public List<String> list(String name) {
        String v = optional(name, "");
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Records a problem found while interpreting a value. */
    public void problem(String message) {
        problems.add(message);
    }

    /** @return every problem found so far */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @throws IllegalArgumentException listing every problem, when there is any */
    public void check() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }
}
