package dev.kiln.api.validation;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as Go and Knative write them ({@code 30s}, {@code 1m30s}, {@code 500ms},
 * {@code 1h}). Kiln's own duration fields (scale retention, build timeout, poll interval) use this form
 * because Knative's autoscaling annotations do, and they are copied there verbatim. Written by hand
 * because java.time only reads ISO-8601.
 */
public final class GoDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private GoDurations() {
    }

    /**
     * @param text a Go duration, e.g. {@code 1m30s}
     * @return the duration
     * @throws IllegalArgumentException if the text is not a non-negative Go duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        int at = 0;
        double nanos = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a duration like 30s, 5m or 1h30m: " + text);
            }
            nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
            at = m.end();
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * @param text a Go duration
     * @return whether it parses
     */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
    }
}
