package dev.kiln.function.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Structured mode (the CloudEvents SDK's JSON format) and batch mode (which the SDK does not cover: a JSON array
 * of structured events, read and written with the SDK's Jackson module). Apart from {@link EventCodec} so that
 * Jackson is loaded by the first structured or batch request, not by the runtime's start.
 */
final class JsonModes {

    private final JsonFormat format = new JsonFormat();
    private final ObjectMapper batch;

    /** @param mapper the function's mapper; a copy with the CloudEvents module reads and writes batch elements */
    JsonModes(ObjectMapper mapper) {
        this.batch = mapper.copy().registerModule(JsonFormat.getCloudEventJacksonModule());
    }

    CloudEvent readStructured(byte[] body) throws HttpError {
        try {
            return format.deserialize(body);
        } catch (CloudEventRWException | EventDeserializationException | IllegalStateException e) {
            throw new HttpError(400, "malformed CloudEvent: " + EventCodec.rootMessage(e));
        }
    }

    List<CloudEvent> readBatch(byte[] body) throws HttpError {
        JsonNode root;
        try {
            root = batch.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "malformed batch: not JSON");
        }
        if (!(root instanceof ArrayNode array)) {
            throw new HttpError(400, "malformed batch: expected a JSON array of events");
        }
        List<CloudEvent> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                events.add(batch.treeToValue(array.get(i), CloudEvent.class));
            } catch (RuntimeException | IOException e) {
                throw new HttpError(400, "malformed CloudEvent at batch index " + i + ": " + EventCodec.rootMessage(e));
            }
        }
        return events;
    }

    byte[] writeStructured(CloudEvent event) {
        return format.serialize(event);
    }

    byte[] writeBatch(List<CloudEvent> events) throws IOException {
        return batch.writeValueAsBytes(events);
    }
}
