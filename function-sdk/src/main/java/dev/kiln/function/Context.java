package dev.kiln.function;

import io.cloudevents.CloudEvent;
import java.time.Instant;

/** What a function knows about the event it handles, and how it shapes its reply. */
public interface Context {

    /** @return the event being handled, with every attribute and extension */
    CloudEvent event();

    /**
     * @param name an extension name, e.g. {@code ref}
     * @return the extension's value as text, or null when absent
     */
    default String extension(String name) {
        Object value = event().getExtension(name);
        return value == null ? null : value.toString();
    }

    /** @return settings of the reply event: type, source, subject, extensions */
    Reply reply();

    /** @return the function's configuration */
    FunctionConfig config();

    /** @return when the caller stops waiting: past it the caller gets 504 */
    Instant deadline();

    /** @return whether this is the start-up warm-up call rather than a real event */
    boolean isWarmup();
}
