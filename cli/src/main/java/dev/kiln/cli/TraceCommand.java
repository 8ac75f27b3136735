package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kiln trace ID}: one event's whole journey, and everything it caused. */
@Command(name = "trace", description = {"One event's whole journey through kiln dev, and every event it caused: each Broker, Trigger "
        + "(and why a filter did not match), Sequence step, Parallel branch, delivery attempt, reply and dead letter, with times "
        + "and outcomes. ID is the event's id (kiln send prints it) or a trace id."})
final class TraceCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "an event id, or a trace id")
    String id;

    @Mixin
    StateOption state;

    @Override
    public Integer call() throws Exception {
        RunningDev dev = RunningDev.of(state);
        HttpResponse<String> answer = dev.get("/trace/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        JsonNode body = new ObjectMapper().readTree(answer.body());
        if (answer.statusCode() != 200) {
            System.err.println("kiln trace: " + body.path("error").asText(answer.body()));
            return Kiln.FAILED;
        }
        JsonNode journeys = body.path("journeys");
        for (int k = 0; k < journeys.size(); k++) {
            JsonNode j = journeys.get(k);
            System.out.println(Terminal.bold("journey " + (k + 1) + " of " + journeys.size()) + "  trace " + j.path("trace").asText());
            for (JsonNode line : j.path("lines")) {
                System.out.println(String.format(Locale.ROOT, "%+10.1f ms  ", line.path("at").asDouble()) + "  ".repeat(line.path("depth").asInt())
                        + Terminal.tone(line.path("tone").asText(), line.path("text").asText()));
            }
        }
        return Kiln.OK;
    }
}
