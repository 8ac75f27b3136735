package dev.kiln.examples.greeter;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;
import dev.kiln.function.FunctionConfig;
import dev.kiln.function.RejectedEventException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Greets whoever a {@code dev.kiln.hello} event names, in the language it asks for. The reply's type and
 * source come from the runtime's configuration ({@code KILN_REPLY_TYPE}, {@code KILN_REPLY_SOURCE}); the
 * function only sets the subject and one extension.
 */
public class Greeter implements CloudFunction<Greeter.Hello, Greeter.Greeting> {

    /** The event type this function handles. */
    public static final String HELLO = "dev.kiln.hello";

    private static final Map<String, String> SALUTATIONS = Map.of(
            "en", "Hello", "fr", "Bonjour", "de", "Hallo", "es", "Hola", "nl", "Hallo", "it", "Ciao");

    /**
     * The request.
     *
     * @param name who to greet
     * @param language an ISO 639-1 code; English when absent
     */
    public record Hello(String name, String language) {
    }

    /**
     * The reply.
     *
     * @param message the greeting
     * @param language the language it is in
     */
    public record Greeting(String message, String language) {
    }

    private String punctuation = "!";

    @Override
    public void init(FunctionConfig config) {
        // The function's own settings come from the same environment as the runtime's.
        String configured = config.get("GREETER_PUNCTUATION");
        if (configured != null) {
            punctuation = configured;
        }
    }

    @Override
    public Greeting apply(Hello hello, Context context) {
        if (hello.name() == null || hello.name().isBlank()) {
            throw new RejectedEventException("name is required");
        }
        String language = hello.language() == null ? "en" : hello.language().toLowerCase(Locale.ROOT);
        String salutation = SALUTATIONS.get(language);
        if (salutation == null) {
            throw new RejectedEventException("language " + hello.language() + " is not one of " + SALUTATIONS.keySet());
        }
        context.reply().subject(hello.name()).extension("greetinglanguage", language);
        return new Greeting(salutation + ", " + hello.name() + punctuation, language);
    }

    @Override
    public Set<String> acceptedTypes() {
        return Set.of(HELLO);
    }

    /** A real request, so start-up warm-up and image-build training cover the whole path, not a 400. */
    @Override
    public CloudEvent warmupEvent(FunctionConfig config) {
        return CloudEventBuilder.v1().withId("warm-up").withSource(URI.create("/kiln/warmup")).withType(HELLO)
                .withData("application/json", "{\"name\":\"warm-up\"}".getBytes(StandardCharsets.UTF_8)).build();
    }
}
