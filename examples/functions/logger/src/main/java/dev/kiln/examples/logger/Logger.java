package dev.kiln.examples.logger;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;

/**
 * Prints every event it gets, whatever its type, and replies with nothing (202): the sink at the end of a flow,
 * or a dead-letter sink, whose log ({@code kiln logs logger}) shows what arrived.
 */
public class Logger implements CloudFunction<CloudEvent, Void> {

    @Override
    public Void apply(CloudEvent event, Context context) {
        if (context.isWarmup()) {
            return null;
        }
        StringBuilder line = new StringBuilder("event ").append(event.getType()).append(" from ").append(event.getSource())
                .append(" id ").append(event.getId());
        for (String name : event.getExtensionNames()) {
            line.append(' ').append(name).append('=').append(event.getExtension(name));
        }
        if (event.getData() != null) {
            line.append(" data ").append(new String(event.getData().toBytes(), StandardCharsets.UTF_8));
        }
        System.out.println(line);
        return null;
    }
}
