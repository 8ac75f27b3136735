package dev.kiln.function.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * CloudEvents over HTTP: reads binary, structured and batch requests, and writes replies in the request's
 * mode. Binary and structured single events go through the CloudEvents SDK's HTTP binding; batch (which that
 * binding does not cover) is a JSON array of structured events, read and written with the SDK's Jackson module.
 */
final class EventCodec {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";

    /** Built on first use: binary mode, the common one, never needs the JSON event format. */
    private static final class Format {
        static final JsonFormat JSON = new JsonFormat();
    }

    /** How the request carried its events; the reply uses the same. */
    enum Mode { BINARY, STRUCTURED, BATCH }

    /** Decoded request. */
    record Request(Mode mode, List<CloudEvent> events) {
    }

    private final ObjectMapper mapper;
    private volatile ObjectMapper batchMapper;

    /** @param mapper a mapper; a copy with the CloudEvents module reads and writes batch elements directly */
    EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Copied on first use, so processes that never see a batch do not pay for it at start-up. */
    private ObjectMapper json() {
        ObjectMapper m = batchMapper;
        if (m == null) {
            m = mapper.copy().registerModule(JsonFormat.getCloudEventJacksonModule());
            batchMapper = m;
        }
        return m;
    }

    /**
     * @param headers request headers (any case)
     * @param body request body
     * @return the events and the mode
     * @throws HttpError 415 for a media type that is not a CloudEvent, 400 for a malformed event
     */
    Request decode(Map<String, List<String>> headers, byte[] body) throws HttpError {
        Map<String, String> lower = new HashMap<>();
        boolean binary = false;
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!h.getValue().isEmpty()) {
                lower.put(name, h.getValue().get(0));
            }
            binary |= name.startsWith("ce-");
        }
        String contentType = lower.getOrDefault("content-type", "").toLowerCase(Locale.ROOT).trim();
        try {
            if (contentType.startsWith(BATCH)) {
                return new Request(Mode.BATCH, batch(body));
            }
            if (contentType.startsWith("application/cloudevents")) {
                if (!contentType.startsWith(STRUCTURED)) {
                    throw new HttpError(415, "unsupported event format " + contentType + "; use " + STRUCTURED);
                }
                return new Request(Mode.STRUCTURED, List.of(Format.JSON.deserialize(body)));
            }
            if (!binary) {
                throw new HttpError(415, "not a CloudEvent: send ce-* headers (binary mode), " + STRUCTURED
                        + " or " + BATCH);
            }
            return new Request(Mode.BINARY, List.of(BinaryMode.read(lower, body)));
        } catch (CloudEventRWException | EventDeserializationException | IllegalStateException e) {
            throw new HttpError(400, "malformed CloudEvent: " + rootMessage(e));
        }
    }

    private List<CloudEvent> batch(byte[] body) throws HttpError {
        JsonNode root;
        try {
            root = json().readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "malformed batch: not JSON");
        }
        if (!(root instanceof ArrayNode array)) {
            throw new HttpError(400, "malformed batch: expected a JSON array of events");
        }
        List<CloudEvent> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                events.add(json().treeToValue(array.get(i), CloudEvent.class));
            } catch (RuntimeException | IOException e) {
                throw new HttpError(400, "malformed CloudEvent at batch index " + i + ": " + rootMessage(e));
            }
        }
        return events;
    }

    /**
     * Writes a reply in the request's mode.
     *
     * @param mode the request's mode
     * @param replies the replies (one for binary and structured)
     * @param header sets a response header
     * @return the response body
     */
    byte[] encode(Mode mode, List<CloudEvent> replies, BiConsumer<String, String> header) throws IOException {
        switch (mode) {
            case BINARY -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                HttpMessageFactory.createWriter(header, body -> out.writeBytes(body == null ? new byte[0] : body))
                        .writeBinary(replies.get(0));
                return out.toByteArray();
            }
            case STRUCTURED -> {
                header.accept("Content-Type", STRUCTURED);
                return Format.JSON.serialize(replies.get(0));
            }
            default -> {
                header.accept("Content-Type", BATCH);
                return json().writeValueAsBytes(replies);
            }
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.split("\n")[0];
    }
}
