package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An event's attribute as filters see it: the string Knative compares (eventing
 * {@code pkg/eventfilter/attributes}), including the {@code schemaurl} alias of {@code dataschema}, the
 * derived {@code datamediatype}, RFC 3339 {@code time}, and extensions by name.
 */
final class Attributes {

    private Attributes() {
    }

    /** @return the attribute's value as a string, or null when the event does not have it */
    static String get(CloudEvent event, String name) {
        Object value = switch (name) {
            case "specversion" -> event.getSpecVersion().toString();
            case "id" -> event.getId();
            case "type" -> event.getType();
            case "source" -> event.getSource();
            case "subject" -> event.getSubject();
            case "time" -> event.getTime();
            case "dataschema", "schemaurl" -> event.getDataSchema();
            case "datacontenttype" -> event.getDataContentType();
            case "datamediatype" -> mediaType(event.getDataContentType());
            default -> event.getExtension(name);
        };
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime time) {
            return time.atZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
        }
        if (value instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }
}
