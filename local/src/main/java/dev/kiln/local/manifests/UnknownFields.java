package dev.kiln.local.manifests;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every field a document has that its kind does not, at any depth, with its path ({@code spec.delivery.retries},
 * {@code spec.steps[1].delivery.backofPolicy}), and skips it, so one document reports all its misspellings at once.
 */
final class UnknownFields extends DeserializationProblemHandler {

    private final List<String> fields = new ArrayList<>();

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer, Object bean,
            String propertyName) throws IOException {
        // The object's context names the field being read: its path is the unknown field's.
        fields.add(path(p.getParsingContext()));
        p.skipChildren();
        return true;
    }

    /** @return the unknown fields' paths, in document order */
    List<String> fields() {
        return fields;
    }

    /** @return the dotted path of a parsing context: {@code spec.steps[1]} */
    private static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, c.getCurrentName());
            }
        }
        return join(parts);
    }

    /** @return the dotted path of a mapping error, followed by ": " (or nothing at the top) */
    static String path(List<JsonMappingException.Reference> references) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference r : references) {
            parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
        }
        String path = join(parts);
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String join(List<String> parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!part.startsWith("[") && out.length() > 0) {
                out.append('.');
            }
            out.append(part);
        }
        return out.toString();
    }
}
