package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * CloudEvents over HTTP: reads binary, structured and batch requests, and writes replies in the request's
 * mode. Binary mode is {@link BinaryMode}'s; structured and batch mode are {@link JsonModes}', built on first
 * use because they need Jackson, which binary mode, the common one, never loads.
 */
final class EventCodec {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";

    /** How the request carried its events; the reply uses the same. */
    enum Mode { BINARY, STRUCTURED, BATCH }

    /** Decoded request. */
    record Request(Mode mode, List<CloudEvent> events) {
    }

    private final Binding binding;
    private final ClassPathCheck classPath;
    private volatile JsonModes json;

    /**
     * @param binding the function's binding, whose Jackson mapper structured and batch mode copy
     * @param classPath whether binary-mode events must be made by the SDK's builder (validators)
     */
    EventCodec(Binding binding, ClassPathCheck classPath) {
        this.binding = binding;
        this.classPath = classPath;
    }

    private JsonModes json() {
        JsonModes j = json;
        if (j == null) {
            j = new JsonModes(binding.jackson().mapper());
            json = j;
        }
        return j;
    }

    /**
     * @param headers request headers (any case)
     * @param body request body
     * @return the events and the mode
     * @throws HttpError 415 for a media type that is not a CloudEvent, 400 for a malformed event (one with an empty
     *     id, source or type included, in every mode)
     */
    Request decode(Map<String, List<String>> headers, byte[] body) throws HttpError {
        Request request = read(headers, body);
        for (CloudEvent event : request.events()) {
            String missing = CloudEvents.missingRequired(event);
            if (missing != null) {
                throw new HttpError(400, "malformed CloudEvent: " + missing + " (id, source and type must be non-empty)");
            }
        }
        return request;
    }

    private Request read(Map<String, List<String>> headers, byte[] body) throws HttpError {
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
        if (contentType.startsWith(BATCH)) {
            return new Request(Mode.BATCH, json().readBatch(body));
        }
        if (contentType.startsWith("application/cloudevents")) {
            if (!contentType.startsWith(STRUCTURED)) {
                throw new HttpError(415, "unsupported event format " + contentType + "; use " + STRUCTURED);
            }
            return new Request(Mode.STRUCTURED, List.of(json().readStructured(body)));
        }
        if (!binary) {
            throw new HttpError(415, "not a CloudEvent: send ce-* headers (binary mode), " + STRUCTURED
                    + " or " + BATCH);
        }
        return new Request(Mode.BINARY, List.of(BinaryMode.read(lower, body, classPath.validators())));
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
                return BinaryMode.write(replies.get(0), header);
            }
            case STRUCTURED -> {
                header.accept("Content-Type", STRUCTURED);
                return json().writeStructured(replies.get(0));
            }
            default -> {
                header.accept("Content-Type", BATCH);
                return json().writeBatch(replies);
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
