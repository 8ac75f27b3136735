package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.v1.CloudEventV1;
import io.cloudevents.rw.CloudEventRWException;
import io.cloudevents.types.Time;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Version 1.0 events made as the SDK's {@link CloudEventBuilder} makes them, without it: the builder looks up
 * its validators through ServiceLoader on first use, which opens every jar on the class path (15-20 ms of a cold
 * start, {@code docs/benchmarks.md}). The builder is still used where the class path has validators of its own.
 */
final class CloudEvents {

    private CloudEvents() {
    }

    /**
     * CloudEvents 1.0, context attributes: {@code id}, {@code source} and {@code type} MUST be non-empty strings. The
     * SDK's builder and JSON format check only that they are there; Knative's ingress answers 400 to an empty one.
     *
     * @return what is wrong with the event, or null when nothing is
     */
    static String missingRequired(CloudEvent event) {
        if (event.getId() == null || event.getId().isEmpty()) {
            return "id is empty";
        }
        if (event.getSource() == null || event.getSource().toString().isEmpty()) {
            return "source is empty";
        }
        if (event.getType() == null || event.getType().isEmpty()) {
            return "type is empty";
        }
        return null;
    }

    /** The SDK builder's rule for extension names: lower-case letters and digits. */
    static boolean isExtensionName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds extensions to an event, as {@code CloudEventBuilder.from(event).withExtension(...).build()} would.
     *
     * @param event the event
     * @param added extension names and values (strings)
     * @param checked whether to go through the SDK's builder (custom validators on the class path)
     * @return the new event
     */
    static CloudEvent withExtensions(CloudEvent event, Map<String, String> added, boolean checked) {
        if (checked || !(event instanceof CloudEventV1)) {
            CloudEventBuilder b = CloudEventBuilder.from(event);
            added.forEach(b::withExtension);
            return b.build();
        }
        Map<String, Object> extensions = new HashMap<>();
        for (String name : event.getExtensionNames()) {
            extensions.put(name, event.getExtension(name));
        }
        checkExtensionNames(added.keySet());
        extensions.putAll(added);
        return new CloudEventV1(event.getId(), event.getSource(), event.getType(), event.getDataContentType(),
                event.getDataSchema(), event.getSubject(), event.getTime(), event.getData(), extensions);
    }

    /**
     * A reply event, as {@code CloudEventBuilder.v1()} builds it from the same values.
     *
     * @param extensions names (already checked by {@link #checkExtensionNames}) and values: String, Number, Boolean,
     *     URI, OffsetDateTime or byte[]; anything else becomes its {@code String.valueOf}
     * @param checked whether to go through the SDK's builder (custom validators on the class path)
     * @throws IllegalStateException for a missing type, with the SDK's message
     */
    static CloudEvent reply(String id, URI source, String type, String subject, OffsetDateTime time,
            Map<String, Object> extensions, String dataContentType, byte[] data, boolean checked) {
        if (checked) {
            CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withType(type).withSource(source).withTime(time);
            if (subject != null) {
                b.withSubject(subject);
            }
            for (Map.Entry<String, Object> e : extensions.entrySet()) {
                withExtension(b, e.getKey(), e.getValue());
            }
            return b.withData(dataContentType, data).build();
        }
        if (type == null) {
            throw new IllegalStateException("Attribute 'type' cannot be null");
        }
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, Object> e : extensions.entrySet()) {
            Object v = e.getValue();
            values.put(e.getKey(), v instanceof Number || v instanceof Boolean || v instanceof URI || v instanceof OffsetDateTime
                    || v instanceof byte[] || v instanceof String ? v : String.valueOf(v));
        }
        return new CloudEventV1(id, source, type, dataContentType, null, subject, time, BytesCloudEventData.wrap(data), values);
    }

    /** @throws CloudEventRWException for the first name the SDK's builder refuses, with its message */
    static void checkExtensionNames(Iterable<String> names) {
        for (String name : names) {
            if (!isExtensionName(name)) {
                throw CloudEventRWException.newInvalidExtensionName(name);
            }
        }
    }

    /**
     * An event time as the SDK writes it ({@code Time.writeTime}: {@code ISO_OFFSET_DATE_TIME}). Written here for
     * UTC times of years 0 to 9999, every reply's: the formatter prints fractions through BigDecimal, a dozen
     * classes and a few ms on a cold path that has never needed them.
     */
    static String time(OffsetDateTime time) {
        int year = time.getYear();
        if (time.getOffset().getTotalSeconds() != 0 || year < 0 || year > 9999) {
            return Time.writeTime(time);
        }
        StringBuilder s = new StringBuilder(30);
        digits(s, year, 4).append('-');
        digits(s, time.getMonthValue(), 2).append('-');
        digits(s, time.getDayOfMonth(), 2).append('T');
        digits(s, time.getHour(), 2).append(':');
        digits(s, time.getMinute(), 2).append(':');
        digits(s, time.getSecond(), 2);
        int nano = time.getNano();
        if (nano > 0) {
            int width = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                width--;
            }
            digits(s.append('.'), nano, width);
        }
        return s.append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder s, int value, int width) {
        String v = Integer.toString(value);
        for (int i = v.length(); i < width; i++) {
            s.append('0');
        }
        return s.append(v);
    }

    private static void withExtension(CloudEventBuilder builder, String name, Object value) {
        if (value instanceof Number n) {
            builder.withExtension(name, n);
        } else if (value instanceof Boolean b) {
            builder.withExtension(name, b);
        } else if (value instanceof URI u) {
            builder.withExtension(name, u);
        } else if (value instanceof OffsetDateTime t) {
            builder.withExtension(name, t);
        } else if (value instanceof byte[] bytes) {
            builder.withExtension(name, bytes);
        } else {
            builder.withExtension(name, String.valueOf(value));
        }
    }
}
