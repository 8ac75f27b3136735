package dev.kiln.local.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An event's journey in words, one line per step, indented by depth: what {@code kiln trace} prints and the dashboard's
 * trace view shows, worded once, here. Each line has a tone (ok, warn, fail, info) that the terminal and the page
 * colour.
 */
public final class TraceText {

    /**
     * One line.
     *
     * @param depth how deep in the tree
     * @param at milliseconds since the journey started
     * @param text what it says
     * @param tone ok, warn, fail or info
     */
    public record Line(int depth, double at, String text, String tone) {
        /** @return as JSON-ready map */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("depth", depth);
            m.put("at", at);
            m.put("text", text);
            m.put("tone", tone);
            return m;
        }
    }

    private TraceText() {
    }

    /**
     * @param journey one journey of {@code JourneyView.trace}: {@code {trace, steps}}
     * @return its lines, depth first, in time order within each level
     */
    @SuppressWarnings("unchecked")
    public static List<Line> lines(Map<String, Object> journey) {
        List<Map<String, Object>> roots = (List<Map<String, Object>>) journey.get("steps");
        Instant start = roots.stream().map(r -> Instant.parse((String) r.get("at"))).min(Instant::compareTo).orElse(Instant.EPOCH);
        List<Line> lines = new ArrayList<>();
        for (Map<String, Object> root : roots) {
            walk(root, 0, start, lines);
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static void walk(Map<String, Object> step, int depth, Instant start, List<Line> lines) {
        double at = Duration.between(start, Instant.parse((String) step.get("at"))).toNanos() / 1e6;
        String kind = (String) step.get("kind");
        String outcome = (String) step.get("outcome");
        String resource = (String) step.get("resource");
        String took = took(((Number) step.get("micros")).longValue());
        switch (kind) {
            case "INGRESS" -> {
                String what = step.get("type") == null ? "a request" : step.get("type") + " " + step.get("id");
                lines.add(new Line(depth, at, resource + ": " + what + " " + switch (outcome) {
                    case "ACCEPTED" -> "accepted";
                    case "TTL_DROPPED" -> "dropped: " + step.get("detail");
                    default -> "refused: " + step.get("detail");
                }, outcome.equals("ACCEPTED") ? "ok" : "fail"));
                for (Map<String, Object> f : (List<Map<String, Object>>) step.getOrDefault("filters", List.of())) {
                    boolean matched = Boolean.TRUE.equals(f.get("matched"));
                    lines.add(new Line(depth + 1, at, "Trigger " + f.get("trigger") + (matched ? " matched: " : " did not match: ") + f.get("why"),
                            matched ? "ok" : "info"));
                }
            }
            case "FILTER" -> {
                Map<String, Object> f = ((List<Map<String, Object>>) step.get("filters")).get(0);
                boolean matched = Boolean.TRUE.equals(f.get("matched"));
                lines.add(new Line(depth, at, resource + (matched ? " matched: " : " did not match: ") + f.get("why"), matched ? "ok" : "info"));
            }
            case "DELIVERY" -> {
                lines.add(new Line(depth, at, resource + " → " + step.get("target") + ": " + outcome.toLowerCase(Locale.ROOT).replace('_', '-')
                        + " in " + took + (step.get("detail") == null ? "" : " (" + step.get("detail") + ")"),
                        outcome.equals("DELIVERED") ? "ok" : outcome.equals("DEAD_LETTERED") ? "warn" : "fail"));
                List<Map<String, Object>> attempts = (List<Map<String, Object>>) step.getOrDefault("attempts", List.of());
                if (attempts.size() > 1 || !outcome.equals("DELIVERED")) {
                    for (Map<String, Object> a : attempts) {
                        int status = ((Number) a.get("status")).intValue();
                        long retry = ((Number) a.get("retryInMillis")).longValue();
                        lines.add(new Line(depth + 1, at, "attempt " + a.get("number") + " to " + a.get("target") + ": "
                                + (status == 0 ? String.valueOf(a.get("error")) : "status " + status + (a.get("error") == null ? "" : ", " + a.get("error")))
                                + " in " + took(((Number) a.get("micros")).longValue()) + (retry >= 0 ? ", retried in " + retry + " ms" : ""),
                                status >= 200 && status < 300 && a.get("error") == null ? "ok" : "warn"));
                    }
                }
            }
            case "REPLY" -> lines.add(new Line(depth, at, resource + ": " + step.get("detail"), "ok"));
            default -> lines.add(new Line(depth, at, resource + ": " + outcome, "info"));
        }
        for (Map<String, Object> child : (List<Map<String, Object>>) step.get("children")) {
            walk(child, depth + 1, start, lines);
        }
    }

    static String took(long micros) {
        return micros < 1000 ? micros + " µs" : micros < 10_000_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0)
                : String.format(Locale.ROOT, "%.1f s", micros / 1e6);
    }
}
