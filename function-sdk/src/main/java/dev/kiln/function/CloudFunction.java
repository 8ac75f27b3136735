package dev.kiln.function;

import io.cloudevents.CloudEvent;
import java.util.Set;

/**
 * A function that receives CloudEvents. The input and output types are read from the implementing class's
 * type arguments:
 * <ul>
 *   <li>{@link CloudEvent}: the raw event (input) or the full reply event (output);</li>
 *   <li>{@code byte[]} or {@link String}: the event data as bytes or UTF-8 text;</li>
 *   <li>any other type: the data bound with Jackson from JSON (input), or serialised to JSON (output).</li>
 * </ul>
 * Returning {@code null} (or declaring {@link Void}) means "no reply": the caller gets 202.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (no classpath scanning), so list the
 * class in {@code META-INF/services/dev.kiln.function.CloudFunction}, or name it in {@code KILN_FUNCTION}.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface CloudFunction<I, O> {

    /**
     * Handles one event.
     *
     * @param input the event, or its data bound to {@code I}
     * @param context the event's attributes and the reply's settings
     * @return the reply's data (or the reply event), or null for no reply
     * @throws Exception any failure: the caller gets 500 and may retry
     */
    O apply(I input, Context context) throws Exception;

    /**
     * Runs once before the function is ready, with its configuration: open connections, load models, warm
     * caches that every invocation reuses. A failure stops the process.
     *
     * @param config the function's configuration
     * @throws Exception to refuse to start
     */
    default void init(FunctionConfig config) throws Exception {
    }

    /**
     * Runs once during shutdown, after in-flight requests drained: close what {@link #init} opened.
     *
     * @throws Exception logged; the process still exits
     */
    default void close() throws Exception {
    }

    /**
     * The event types this function accepts; others get 404 (a Trigger pointing at the wrong function shows
     * up as failed deliveries, not as silent successes).
     *
     * @return accepted types, or an empty set (the default) for every type
     */
    default Set<String> acceptedTypes() {
        return Set.of();
    }

    /**
     * The event sent through the function once at start-up, before readiness, to warm the request path.
     * {@link Context#isWarmup()} is true during that call, so side effects can be skipped.
     *
     * @param config the function's configuration
     * @return the warm-up event, or null (the default) to let the runtime build one from the input type
     */
    default CloudEvent warmupEvent(FunctionConfig config) {
        return null;
    }
}
