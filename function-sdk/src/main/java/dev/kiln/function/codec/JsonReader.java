package dev.kiln.function.codec;

import java.nio.charset.StandardCharsets;

/**
 * A strict pull reader over a UTF-8 JSON document, for the codecs {@link CodecProcessor} generates.
 *
 * <p>It accepts a strict subset of what Jackson's default {@code ObjectMapper} reads, and reads it to the same
 * values: standard JSON (no comments, no single quotes, no trailing commas, no {@code NaN}), well-formed UTF-8,
 * a value of exactly the expected JSON kind (a string for a {@code String}, an integer token for an {@code int}).
 * Anything else, valid or not, throws {@link #notCovered()}: Jackson then reads the same bytes, coercing what
 * it coerces and refusing what it refuses, so a function sees the same input and a caller the same error as
 * before the fast path existed. {@code CodecConformanceTest} checks the two against each other.
 */
public final class JsonReader {

    /** Deeper documents go to Jackson (whose own limit is far above). */
    static final int MAX_DEPTH = 64;
    /** Longer strings go to Jackson, whose {@code StreamReadConstraints} limit strings to 20 million chars. */
    static final int MAX_STRING = 1_000_000;
    /** Longer number tokens go to Jackson (its limit is 1000 chars). */
    static final int MAX_NUMBER = 64;

    private final byte[] in;
    private int pos;
    private int depth;
    private boolean first;
    private final StringBuilder chars = new StringBuilder(32);

    /**
     * @param document the whole document, UTF-8
     */
    public JsonReader(byte[] document) {
        this.in = document;
    }

    /**
     * @return the exception a generated codec throws for what it does not handle (an unknown or repeated field,
     *     a value its type's constructor refuses)
     */
    public RuntimeException notCovered() {
        return new NotCovered("outside the generated codec");
    }

    /** Starts an object: the next value must be {@code {}. */
    public void beginObject() {
        open('{');
    }

    /**
     * @return true when the object has another field (then read its {@link #name()} and value); false at its
     *     end, which is consumed
     */
    public boolean hasField() {
        return hasNext('}');
    }

    /** @return the next field's name; the {@code :} after it is consumed */
    public String name() {
        if (peek() != '"') {
            throw notCovered();
        }
        String name = string();
        if (skipSpace() != ':') {
            throw notCovered();
        }
        pos++;
        return name;
    }

    /** Starts an array: the next value must be {@code [}. */
    public void beginArray() {
        open('[');
    }

    /** @return true when the array has another element; false at its end, which is consumed */
    public boolean hasElement() {
        return hasNext(']');
    }

    /** @return true (and consumes it) when the next value is {@code null} */
    public boolean nextIsNull() {
        if (skipSpace() == 'n' && literal("null")) {
            return true;
        }
        return false;
    }

    /** @return the next value, a JSON string */
    public String readString() {
        if (skipSpace() != '"') {
            throw notCovered();
        }
        return string();
    }

    /** @return the next value, {@code true} or {@code false} */
    public boolean readBoolean() {
        int c = skipSpace();
        if (c == 't' && literal("true")) {
            return true;
        }
        if (c == 'f' && literal("false")) {
            return false;
        }
        throw notCovered();
    }

    /** @return the next value, an integer token (no fraction, no exponent) within int's range */
    public int readInt() {
        long v = readLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw notCovered();
        }
        return (int) v;
    }

    /** @return the next value, an integer token (no fraction, no exponent) within long's range */
    public long readLong() {
        int start = number();
        int end = pos;
        int i = start;
        boolean negative = in[i] == '-';
        if (negative) {
            i++;
        }
        for (int j = i; j < end; j++) {
            if (in[j] < '0' || in[j] > '9') { // a fraction or an exponent: Jackson coerces or refuses
                throw notCovered();
            }
        }
        if (end - i > 18) { // may not fit: the JDK checks
            try {
                return Long.parseLong(new String(in, start, end - start, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw notCovered();
            }
        }
        long v = 0;
        for (; i < end; i++) {
            v = v * 10 + (in[i] - '0');
        }
        return negative ? -v : v;
    }

    /**
     * @return the next value, any JSON number, as Jackson reads it into a double: a fraction or an exponent as
     *     {@link Double#parseDouble} reads it; an integer token as Jackson converts the integer it read, correctly
     *     rounded like the parse, except that {@code -0} is the integer 0 and so {@code +0.0}
     */
    public double readDouble() {
        int start = number();
        boolean integer = true;
        for (int i = start; i < pos && integer; i++) {
            integer = in[i] != '.' && in[i] != 'e' && in[i] != 'E';
        }
        double v = Double.parseDouble(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
        if (Double.isInfinite(v)) {
            throw notCovered();
        }
        return integer && v == 0 ? 0.0 : v;
    }

    /** Checks that only whitespace follows the value just read. */
    public void end() {
        if (skipSpace() != -1) { // Jackson ignores trailing content by default; let it
            throw notCovered();
        }
    }

    private void open(char bracket) {
        if (skipSpace() != bracket || ++depth > MAX_DEPTH) {
            throw notCovered();
        }
        pos++;
        first = true;
    }

    private boolean hasNext(char close) {
        int c = skipSpace();
        if (c == close) {
            pos++;
            depth--;
            first = false; // the enclosing container has at least this value
            return false;
        }
        if (first) {
            first = false;
            return true;
        }
        if (c != ',') {
            throw notCovered();
        }
        pos++;
        if (skipSpace() == close) { // a trailing comma
            throw notCovered();
        }
        return true;
    }

    /** @return the next byte after whitespace (not consumed), or -1 at the end */
    private int skipSpace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b & 0xFF;
            }
            pos++;
        }
        return -1;
    }

    private int peek() {
        return skipSpace();
    }

    private boolean literal(String word) {
        int n = word.length();
        if (pos + n > in.length) {
            throw notCovered();
        }
        for (int i = 0; i < n; i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw notCovered();
            }
        }
        if (pos + n < in.length && isWordByte(in[pos + n])) { // "nullx", "true1"
            throw notCovered();
        }
        pos += n;
        return true;
    }

    private static boolean isWordByte(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b < 0;
    }

    /** Scans a JSON number token; @return its start (pos is left after it) */
    private int number() {
        int c = skipSpace();
        if (c != '-' && (c < '0' || c > '9')) {
            throw notCovered();
        }
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        int intStart = pos;
        digits();
        if (pos == intStart || in[intStart] == '0' && pos - intStart > 1) { // no digits, or a leading zero
            throw notCovered();
        }
        if (pos < in.length && in[pos] == '.') {
            pos++;
            int fraction = pos;
            digits();
            if (pos == fraction) {
                throw notCovered();
            }
        }
        if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            int exponent = pos;
            digits();
            if (pos == exponent) {
                throw notCovered();
            }
        }
        if (pos - start > MAX_NUMBER || pos < in.length && isWordByte(in[pos])) {
            throw notCovered();
        }
        return start;
    }

    private void digits() {
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
    }

    /** Reads a string whose opening quote is at pos. */
    private String string() {
        pos++;
        int start = pos;
        // The common case: ASCII without escapes, decoded straight from the bytes.
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                String s = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
                pos++;
                return s;
            }
            if (b == '\\' || b < 0x20) { // escapes, multi-byte UTF-8 (negative) or control characters
                break;
            }
            if (++pos - start > MAX_STRING) {
                throw notCovered();
            }
        }
        StringBuilder out = chars;
        out.setLength(0);
        out.append(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
        while (true) {
            if (pos >= in.length || out.length() > MAX_STRING) {
                throw notCovered();
            }
            int b = in[pos] & 0xFF;
            if (b == '"') {
                pos++;
                return out.toString();
            }
            if (b == '\\') {
                pos++;
                escape(out);
            } else if (b < 0x20) { // Jackson refuses unescaped control characters
                throw notCovered();
            } else if (b < 0x80) {
                out.append((char) b);
                pos++;
            } else {
                utf8(out, b);
            }
        }
    }

    private void escape(StringBuilder out) {
        if (pos >= in.length) {
            throw notCovered();
        }
        byte e = in[pos++];
        switch (e) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case '/' -> out.append('/');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                if (pos + 4 > in.length) {
                    throw notCovered();
                }
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(in[pos++], 16);
                    if (d < 0) {
                        throw notCovered();
                    }
                    v = v << 4 | d;
                }
                out.append((char) v);
            }
            default -> throw notCovered();
        }
    }

    /**
     * Decodes one well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
     * Jackson decodes those the same way; it is laxer with malformed ones, which therefore go to it.
     */
    private void utf8(StringBuilder out, int b0) {
        int length;
        int min;
        int cp;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            min = 0x80;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            min = 0x800;
            cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            min = 0x10000;
            cp = b0 & 0x07;
        } else {
            throw notCovered();
        }
        if (pos + length > in.length) {
            throw notCovered();
        }
        for (int i = 1; i < length; i++) {
            int b = in[pos + i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                throw notCovered();
            }
            cp = cp << 6 | b & 0x3F;
        }
        if (cp < min || cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
            throw notCovered();
        }
        pos += length;
        out.appendCodePoint(cp);
    }
}
