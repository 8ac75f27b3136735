package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kiln events}: the events the running {@code kiln dev} carried lately, each with its outcome. */
@Command(name = "events", description = {"The events kiln dev's Brokers, Sequences and Parallels took lately, each with its outcome "
        + "(delivered, dead-lettered, dropped, unmatched, refused, ttl-dropped, in-flight) and the Triggers that matched it; "
        + "-f follows, and prints an event listed in flight again once its outcome is known. kiln trace ID shows one event's whole journey."})
final class EventsCommand implements Callable<Integer> {

    @Option(names = {"-f", "--follow"}, description = "keep printing events as they come")
    boolean follow;

    @Option(names = "--type", description = "only events of this type")
    String type;

    @Option(names = "--source", description = "only events from this source")
    String source;

    @Option(names = "--trigger", description = "only events this Trigger matched (name or namespace/name)")
    String trigger;

    @Option(names = "--outcome", description = "only events with this outcome: delivered, dead-lettered, dropped, unmatched, refused, ttl-dropped, in-flight")
    String outcome;

    @Option(names = "--limit", defaultValue = "50", description = "the most events listed at first (default ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    StateOption state;

    static final String ROW = "%-12s %-38s %-32s %-26s %-14s %s";

    @Override
    public Integer call() throws Exception {
        RunningDev dev = RunningDev.of(state);
        EventsFollow seen = new EventsFollow();
        boolean header = false;
        while (true) {
            HttpResponse<String> answer = dev.get("/events?after=" + seen.after() + "&limit=" + (header ? 1000 : limit) + filters());
            JsonNode body = new ObjectMapper().readTree(answer.body());
            if (answer.statusCode() != 200) {
                System.err.println("kiln events: " + body.path("error").asText(answer.body()));
                return answer.statusCode() == 400 ? Kiln.USAGE : Kiln.FAILED;
            }
            if (!header) {
                System.out.println(String.format(ROW, "TIME", "ID", "TYPE", "AT", "OUTCOME", "TRIGGERS"));
                header = true;
            }
            for (JsonNode e : seen.next(body)) {
                List<String> matched = new ArrayList<>();
                e.path("matched").forEach(m -> matched.add(m.asText()));
                String outcomeText = e.path("outcome").asText();
                System.out.println(String.format(ROW, e.path("at").asText().substring(11, 23), e.path("id").asText("-"), e.path("type").asText("-"),
                        e.path("resource").asText(), Terminal.tone(tone(outcomeText), outcomeText), String.join(",", matched))
                        + (e.path("detail").isTextual() ? "  " + e.path("detail").asText() : ""));
            }
            if (!follow) {
                return Kiln.OK;
            }
            System.out.flush();
            Thread.sleep(500);
        }
    }

    private String filters() {
        StringBuilder q = new StringBuilder();
        param(q, "type", type);
        param(q, "source", source);
        param(q, "trigger", trigger);
        param(q, "outcome", outcome);
        return q.toString();
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    static String tone(String outcome) {
        return switch (outcome) {
            case "delivered" -> "ok";
            case "dead-lettered", "in-flight", "unmatched" -> "warn";
            default -> "fail";
        };
    }
}
