package dev.kiln.function.codec;

import java.util.Arrays;
import java.util.List;

/**
 * Writes compact UTF-8 JSON exactly as Jackson's default {@code ObjectMapper} does, for the codecs
 * {@link CodecProcessor} generates: no whitespace, {@code "} and {@code \} escaped, control characters as
 * {@code \b \t \n \f \r} or {@code \}{@code u00XX}, surrogates (characters beyond the BMP) as
 * {@code \}{@code uXXXX} each (upper-case hex), everything else as UTF-8, numbers as {@code Integer.toString},
 * {@code Long.toString} and {@code Double.toString} write them.
 *
 * <p>A value Jackson writes in a way of its own (a non-finite double, a subclass it would inspect, a list class
 * of the application's) throws {@link #notCovered()}, and the runtime has Jackson write the whole value instead.
 */
public final class JsonWriter {

    /** Deeper values go to Jackson. */
    static final int MAX_DEPTH = 64;

    private byte[] out = new byte[256];
    private int size;
    private int depth;
    private boolean first = true;
    private boolean afterName;

    /** Creates an empty writer. */
    public JsonWriter() {
    }

    /** @return the exception a generated codec throws for a value it does not write itself */
    public RuntimeException notCovered() {
        return new NotCovered("outside the generated codec");
    }

    /** @return the document written so far */
    public byte[] toByteArray() {
        return Arrays.copyOf(out, size);
    }

    /** Starts an object. */
    public void beginObject() {
        open('{');
    }

    /** Ends the current object. */
    public void endObject() {
        close('}');
    }

    /** Starts an array. */
    public void beginArray() {
        open('[');
    }

    /** Ends the current array. */
    public void endArray() {
        close(']');
    }

    /**
     * Writes a field name; its value comes next.
     *
     * @param name the name
     */
    public void name(String name) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        quoted(name);
        put((byte) ':');
        afterName = true;
    }

    /** Writes {@code null}. */
    public void nullValue() {
        separate();
        ascii("null");
    }

    /**
     * @param value a string, or null
     */
    public void value(String value) {
        if (value == null) {
            nullValue();
            return;
        }
        separate();
        quoted(value);
    }

    /**
     * @param value a boolean
     */
    public void value(boolean value) {
        separate();
        ascii(value ? "true" : "false");
    }

    /**
     * @param value an int
     */
    public void value(int value) {
        separate();
        ascii(Integer.toString(value));
    }

    /**
     * @param value a long
     */
    public void value(long value) {
        separate();
        ascii(Long.toString(value));
    }

    /**
     * @param value a boolean, or null
     */
    public void value(Boolean value) {
        if (value == null) {
            nullValue();
        } else {
            value(value.booleanValue());
        }
    }

    /**
     * @param value an int, or null
     */
    public void value(Integer value) {
        if (value == null) {
            nullValue();
        } else {
            value(value.intValue());
        }
    }

    /**
     * @param value a long, or null
     */
    public void value(Long value) {
        if (value == null) {
            nullValue();
        } else {
            value(value.longValue());
        }
    }

    /**
     * @param value a double, or null
     */
    public void value(Double value) {
        if (value == null) {
            nullValue();
        } else {
            value(value.doubleValue());
        }
    }

    /**
     * @param value a double; NaN and the infinities are left to Jackson (it quotes them)
     */
    public void value(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw notCovered();
        }
        separate();
        ascii(Double.toString(value));
    }

    /**
     * Checks a list before its elements are written: Jackson writes every {@code java.util} list as an array,
     * while a list class of the application's own might carry its own serialisation.
     *
     * @param list a list value (not null)
     * @return the list
     */
    public List<?> list(Object list) {
        if (!(list instanceof List<?> l) || !list.getClass().getName().startsWith("java.util.")) {
            throw notCovered();
        }
        return l;
    }

    private void open(char bracket) {
        separate();
        if (++depth > MAX_DEPTH) {
            throw notCovered();
        }
        put((byte) bracket);
        first = true;
    }

    private void close(char bracket) {
        put((byte) bracket);
        depth--;
        first = false;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (!first) {
            put((byte) ',');
        }
        first = false;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            out[size++] = (byte) s.charAt(i);
        }
    }

    private void quoted(String s) {
        ensure(s.length() + 2);
        out[size++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                out[size++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                ensure(2);
                out[size++] = (byte) (0xC0 | c >> 6);
                out[size++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                hexEscape(c); // Jackson's default: every surrogate escaped, paired or not (COMBINE_UNICODE_SURROGATES_IN_UTF8 off)
            } else {
                ensure(3);
                out[size++] = (byte) (0xE0 | c >> 12);
                out[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[size++] = (byte) (0x80 | c & 0x3F);
            }
        }
        ensure(1);
        out[size++] = '"';
    }

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    private void escape(char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm != 0) {
            ensure(2);
            out[size++] = '\\';
            out[size++] = (byte) shortForm;
            return;
        }
        hexEscape(c);
    }

    private void hexEscape(char c) {
        ensure(6);
        out[size++] = '\\';
        out[size++] = 'u';
        out[size++] = HEX[c >> 12];
        out[size++] = HEX[c >> 8 & 0xF];
        out[size++] = HEX[c >> 4 & 0xF];
        out[size++] = HEX[c & 0xF];
    }

    private void put(byte b) {
        ensure(1);
        out[size++] = b;
    }

    private void ensure(int more) {
        if (size + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }
}
