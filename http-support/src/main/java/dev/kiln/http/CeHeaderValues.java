package dev.kiln.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * The CloudEvents HTTP binding's header values (binary mode, 3.1.3.2): a {@code ce-} header carries the attribute's
 * string form, percent-encoded. The CloudEvents SDK writes values raw, so an attribute holding a control character
 * (a Kafka key, a header copied from a record) makes a header no HTTP stack sends: the delivery fails on every
 * attempt, and a Kafka partition stops behind it. Every sender of Kiln encodes through here, and Kiln's receivers
 * decode once; a function's runtime, which cannot depend on this module, has a copy that {@code PercentEncodingTest}
 * holds equal.
 *
 * <p>Encoded: control characters, DEL, every non-ASCII character (as its UTF-8 bytes) and {@code %}, so that
 * decoding is exact. Space and {@code "}, which the binding also lists, are left as they are: HTTP carries them,
 * and a receiver that does not decode (the binding's rule is recent) would otherwise show {@code Push%20Hook} where
 * GitLabSource's consumers expect {@code Push Hook}.
 */
public final class CeHeaderValues {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CeHeaderValues() {
    }

    /** @return {@code value} percent-encoded where the binding says so */
    public static String encode(String value) {
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

    /** @return {@code value} with one percent-decoding undone (lower-case hex accepted; a stray {@code %} kept) */
    public static String decode(String value) {
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

    /** @return {@code headers}, with the values of {@code ce-} headers encoded on the way */
    public static BiConsumer<String, String> encoding(BiConsumer<String, String> headers) {
        return (name, value) -> headers.accept(name, isCe(name) ? encode(value) : value);
    }

    /** @return whether a header carries a CloudEvent attribute in binary mode */
    public static boolean isCe(String name) {
        return name.length() > 3 && name.regionMatches(true, 0, "ce-", 0, 3); // no substring: this runs for every header of every event
    }
}
