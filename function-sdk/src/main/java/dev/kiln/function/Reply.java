package dev.kiln.function;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the reply event, starting from the function's configured defaults. The reply's type and
 * source are never copied from the input event: a reply that looked like its input would loop through a
 * broker's triggers.
 */
public final class Reply {

    private String type;
    private String source;
    private String subject;
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    /**
     * @param type the default reply type
     * @param source the default reply source
     */
    public Reply(String type, String source) {
        this.type = type;
        this.source = source;
    }

    /**
     * @param type the reply's CloudEvent type
     * @return this
     */
    public Reply type(String type) {
        this.type = type;
        return this;
    }

    /**
     * @param source the reply's CloudEvent source (a URI reference)
     * @return this
     */
    public Reply source(String source) {
        this.source = source;
        return this;
    }

    /**
     * @param subject the reply's subject
     * @return this
     */
    public Reply subject(String subject) {
        this.subject = subject;
        return this;
    }

    /**
     * @param name an extension name: lowercase letters and digits
     * @param value a String, Number, Boolean, URI, OffsetDateTime or byte[]
     * @return this
     */
    public Reply extension(String name, Object value) {
        extensions.put(name, value);
        return this;
    }

    /** @return the reply's type */
    public String type() {
        return type;
    }

    /** @return the reply's source */
    public String source() {
        return source;
    }

    /** @return the reply's subject, or null */
    public String subject() {
        return subject;
    }

    /** @return the reply's extensions */
    public Map<String, Object> extensions() {
        return extensions;
    }
}
