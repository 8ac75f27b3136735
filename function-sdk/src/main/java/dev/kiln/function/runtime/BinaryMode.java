package dev.kiln.function.runtime;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Reads a binary-mode HTTP request (CloudEvents HTTP binding, section 3.1) into an event.
 *
 * <p>Written here rather than taken from the SDK's {@code HttpMessageFactory} because that reader first asks
 * {@code EventFormatProvider} whether the content type is a structured format, which loads every format
 * through ServiceLoader and builds the JSON format's own ObjectMapper: about 100 ms on the first request of
 * a cold process, for a lookup binary mode never needs. Attribute parsing and validation stay in the SDK's
 * {@link CloudEventBuilder}.
 */
final class BinaryMode {

    private BinaryMode() {
    }

    /**
     * @param headers request headers with lower-case names
     * @param body the request body (the event's data; empty for none)
     * @return the event
     * @throws HttpError 400 for a missing or unknown spec version, or a missing or malformed attribute
     */
    static CloudEvent read(Map<String, String> headers, byte[] body) throws HttpError {
        String version = headers.get("ce-specversion");
        if (version == null) {
            throw new HttpError(400, "malformed CloudEvent: missing ce-specversion header");
        }
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
                out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
