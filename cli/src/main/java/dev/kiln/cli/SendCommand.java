package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kiln send}: one CloudEvent into a Broker of the running {@code kiln dev}. */
@Command(name = "send", description = "Send a CloudEvent to a Broker: binary mode from --type/--source/--data, or structured from --file.")
final class SendCommand implements Callable<Integer> {

    @Option(names = "--broker", defaultValue = "default/default", description = "NAMESPACE/NAME (default ${DEFAULT-VALUE})")
    String broker;

    @Option(names = "--type", description = "the event's type")
    String type;

    @Option(names = "--source", defaultValue = "/kiln/cli", description = "the event's source (default ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--id", description = "the event's id (default: a new UUID)")
    String id;

    @Option(names = "--data", description = "the event's data, JSON")
    String data;

    @Option(names = "--file", description = "a CloudEvent in JSON (structured mode)")
    Path file;

    @Mixin
    StateOption state;

    @Override
    public Integer call() throws Exception {
        if ((file == null) == (type == null)) {
            System.err.println("kiln send: give --type (with --data) for a new event, or --file for a CloudEvent in JSON");
            return Kiln.USAGE;
        }
        if (!broker.matches("[a-z0-9-]+/[a-z0-9-]+")) {
            System.err.println("kiln send: --broker must be NAMESPACE/NAME, e.g. default/default");
            return Kiln.USAGE;
        }
        RunningDev dev = RunningDev.of(state);
        HttpRequest.Builder request = HttpRequest.newBuilder();
        String eventId;
        if (file != null) {
            String json = Files.readString(file);
            eventId = new ObjectMapper().readTree(json).path("id").asText();
            request.header("Content-Type", "application/cloudevents+json").POST(HttpRequest.BodyPublishers.ofString(json));
        } else {
            eventId = id == null ? UUID.randomUUID().toString() : id;
            request.header("ce-specversion", "1.0").header("ce-id", eventId).header("ce-type", type).header("ce-source", source)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(data == null ? "" : data));
        }
        HttpResponse<String> answer = dev.post(broker, request);
        if (answer.statusCode() / 100 == 2) {
            System.out.println("sent " + eventId + " to " + broker + " (" + answer.statusCode() + ")");
            return Kiln.OK;
        }
        System.err.println("kiln send: " + broker + " answered " + answer.statusCode() + ": " + answer.body());
        return Kiln.FAILED;
    }
}
