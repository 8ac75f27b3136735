package dev.kiln.controller.functions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether every field one JSON document sets is set to the same value in another: how Kiln compares what it wants
 * of an object with what the cluster holds, when others (admission webhooks, API server defaults) add fields.
 * Objects match field by field, lists element by element with the same length (a container or env var added by
 * someone else is a difference), numbers by value. Server-side apply's field ownership would say the same; see
 * {@code docs/decisions.md} for why Kiln compares instead.
 */
final class OwnedFields {

    private OwnedFields() {
    }

    /**
     * @param wanted what Kiln sets
     * @param actual what the cluster holds
     * @return whether {@code actual} has every field of {@code wanted} with its value
     */
    static boolean contained(JsonNode wanted, JsonNode actual) {
        if (wanted == null || wanted.isNull()) {
            return true;
        }
        if (actual == null || actual.isNull() || actual.isMissingNode()) {
            return wanted.isEmpty() && (wanted.isObject() || wanted.isArray());
        }
        if (wanted.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!contained(field.getValue(), actual.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isArray()) {
            if (!actual.isArray() || actual.size() != wanted.size()) {
                return false;
            }
            for (int i = 0; i < wanted.size(); i++) {
                if (!contained(wanted.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isNumber() && actual.isNumber()) {
            return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return wanted.equals(actual);
    }
}
