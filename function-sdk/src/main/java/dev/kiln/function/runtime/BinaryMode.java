package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.v1.CloudEventV1;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.types.Time;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Binary-mode HTTP (CloudEvents HTTP binding, section 3.1): reads a request into an event and writes an event
 * as a response.
 *
 * <p>Written here rather than taken from the SDK's {@code HttpMessageFactory}, whose reader first asks
 * {@code EventFormatProvider} whether the content type is a structured format (loading every format through
 * ServiceLoader and building the JSON format's own ObjectMapper: about 100 ms on the first request of a cold
 * process), and whose builder looks its validators up through ServiceLoader, which opens every jar on the class
 * path. A version 1.0 event is checked as the SDK's builder checks it and made the SDK's own
 * {@link CloudEventV1}; anything else (another spec version, an attribute the SDK would refuse) goes through the
 * SDK's builder, so it is accepted or refused, with the SDK's message, exactly as before.
 */
final class BinaryMode {

    private BinaryMode() {
    }

    /**
     * @param headers request headers with lower-case names
     * @param body the request body (the event's data; empty for none)
     * @param checked whether events must go through the SDK's builder (the class path has custom
     *     {@code CloudEventValidator}s, which only the builder runs)
     * @return the event
     * @throws HttpError 400 for a missing or unknown spec version, or a missing or malformed attribute
     */
    static CloudEvent read(Map<String, String> headers, byte[] body, boolean checked) throws HttpError {
        String version = headers.get("ce-specversion");
        if (version == null) {
            throw new HttpError(400, "malformed CloudEvent: missing ce-specversion header");
        }
        CloudEvent event = checked || !"1.0".equals(version.trim()) ? null : v1(headers, body);
        return event != null ? event : withBuilder(version, headers, body);
    }

    /** @return the event, or null when the SDK's builder must decide (it may refuse) */
    private static CloudEvent v1(Map<String, String> headers, byte[] body) {
        String id = null;
        URI source = null;
        String type = null;
        URI dataschema = null;
        String subject = null;
        OffsetDateTime time = null;
        Map<String, Object> extensions = new HashMap<>();
        try {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String name = h.getKey();
                if (!name.startsWith("ce-") || name.equals("ce-specversion")) {
                    continue;
                }
                String attribute = name.substring(3);
                String value = percentDecode(h.getValue());
                switch (attribute) {
                    case "id" -> id = value;
                    case "source" -> source = new URI(value);
                    case "type" -> type = value;
                    case "dataschema" -> dataschema = new URI(value);
                    case "subject" -> subject = value;
                    case "time" -> time = Time.parseTime(value);
                    case "datacontenttype" -> {
                        return null; // beside Content-Type: the SDK's precedence decides
                    }
                    default -> {
                        if (!CloudEvents.isExtensionName(attribute)) {
                            return null;
                        }
                        extensions.put(attribute, value);
                    }
                }
            }
        } catch (URISyntaxException | DateTimeParseException e) {
            return null;
        }
        if (id == null || source == null || type == null) {
            return null;
        }
        String contentType = headers.get("content-type");
        CloudEventData data = body.length > 0 || contentType != null ? BytesCloudEventData.wrap(body) : null;
        return new CloudEventV1(id, source, type, data == null ? null : contentType, dataschema, subject, time, data, extensions);
    }

    private static CloudEvent withBuilder(String version, Map<String, String> headers, byte[] body) throws HttpError {
        CloudEventBuilder builder;
        try {
            builder = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(version.trim()));
        } catch (RuntimeException e) {
            throw new HttpError(400, "malformed CloudEvent: unknown spec version " + version);
        }
        try {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String name = h.getKey();
                if (name.startsWith("ce-") && !name.equals("ce-specversion")) {
                    builder.withContextAttribute(name.substring(3), percentDecode(h.getValue()));
                }
            }
            String contentType = headers.get("content-type");
            if (body.length > 0 || contentType != null) {
                builder.withData(contentType, body);
            }
            return builder.build();
        } catch (RuntimeException e) {
            throw new HttpError(400, "malformed CloudEvent: " + EventCodec.rootMessage(e));
        }
    }

    /**
     * Writes an event as binary-mode headers and body: what the SDK's {@code HttpMessageWriter} writes for a
     * {@link CloudEventV1}, and the SDK's writer itself for any other event.
     *
     * @param event the event
     * @param header sets a response header
     * @return the body
     */
    static byte[] write(CloudEvent event, BiConsumer<String, String> raw) {
        // HTTP binding 3.1.3.2: the sender encodes, and read() decodes, so a value holding "%20" arrives as it left.
        BiConsumer<String, String> header = (name, value) -> raw.accept(name, isCe(name) ? percentEncode(value) : value);
        if (!(event instanceof CloudEventV1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpMessageFactory.createWriter(header, body -> out.writeBytes(body == null ? new byte[0] : body)).writeBinary(event);
            return out.toByteArray();
        }
        header.accept("ce-specversion", "1.0"); // a CloudEventV1's; SpecVersion's static init builds attribute sets with streams
        header.accept("ce-id", event.getId());
        header.accept("ce-source", event.getSource().toString());
        header.accept("ce-type", event.getType());
        if (event.getDataContentType() != null) {
            header.accept("Content-Type", event.getDataContentType());
        }
        if (event.getDataSchema() != null) {
            header.accept("ce-dataschema", event.getDataSchema().toString());
        }
        if (event.getSubject() != null) {
            header.accept("ce-subject", event.getSubject());
        }
        if (event.getTime() != null) {
            header.accept("ce-time", CloudEvents.time(event.getTime()));
        }
        for (String name : event.getExtensionNames()) {
            header.accept("ce-" + name, extensionText(name, event.getExtension(name)));
        }
        return event.getData() == null ? new byte[0] : event.getData().toBytes();
    }

    /** An extension's value as the SDK writes it into a header. */
    private static String extensionText(String name, Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof URI) {
            return value.toString();
        }
        if (value instanceof OffsetDateTime t) {
            return CloudEvents.time(t);
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        throw new IllegalStateException("Illegal value inside extensions map: " + name + "=" + value);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * HTTP binding 3.1.3.2, as Kiln's other senders apply it ({@code dev.kiln.http.CeHeaderValues}, which this SDK
     * cannot depend on: a function's image carries the SDK alone; {@code PercentEncodingTest} in {@code http-support}
     * holds the two equal): control characters, DEL, non-ASCII (as UTF-8 bytes) and {@code %} are encoded, so that
     * {@link #percentDecode} gives the value back exactly. Space and {@code "} are left as they are, as the other
     * senders leave them (HTTP carries them, and receivers that do not decode still read them right).
     */
    static String percentEncode(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '%';
        }
        if (plain) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isCe(String name) {
        return name.length() > 3 && name.regionMatches(true, 0, "ce-", 0, 3);
    }

    /** HTTP binding 3.1.3.2: string attribute values are percent-encoded UTF-8 where needed. */
    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hi;
            int lo;
            if (c == '%' && i + 2 < value.length() && (hi = Character.digit(value.charAt(i + 1), 16)) >= 0
                    && (lo = Character.digit(value.charAt(i + 2), 16)) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
