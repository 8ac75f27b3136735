package dev.kiln.examples.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.function.testing.FunctionTester;
import dev.kiln.function.testing.Outcome;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unit tests of the function, in process: no HTTP server, the same binding and status codes as one. */
class GreeterTest {

    static FunctionTester greeter;

    @BeforeAll
    static void start() throws Exception {
        greeter = FunctionTester.of(new Greeter(), Map.of("KILN_REPLY_TYPE", "dev.kiln.greeting"));
    }

    @AfterAll
    static void stop() throws Exception {
        greeter.close();
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("english by default", "{\"name\":\"Ada\"}", 200, "{\"message\":\"Hello, Ada!\",\"language\":\"en\"}"),
                Arguments.of("french", "{\"name\":\"Ada\",\"language\":\"fr\"}", 200, "{\"message\":\"Bonjour, Ada!\",\"language\":\"fr\"}"),
                Arguments.of("language code in capitals", "{\"name\":\"Ada\",\"language\":\"DE\"}", 200, "{\"message\":\"Hallo, Ada!\",\"language\":\"de\"}"),
                Arguments.of("no name is rejected, not retried", "{}", 400, "the function rejected the event: name is required"),
                Arguments.of("unknown language is rejected", "{\"name\":\"Ada\",\"language\":\"xx\"}", 400, null),
                Arguments.of("not json", "nope", 400, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void greets(String name, String data, int status, String body) {
        Outcome outcome = greeter.invoke(hello(data));
        assertThat(outcome.status()).as(outcome.message()).isEqualTo(status);
        if (status == 200) {
            assertThat(new String(outcome.reply().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
        } else if (body != null) {
            assertThat(outcome.message()).isEqualTo(body);
        }
    }

    @Test
    void replyIsANewEventOfTheConfiguredType() {
        CloudEvent in = hello("{\"name\":\"Ada\",\"language\":\"es\"}");
        CloudEvent reply = greeter.invoke(in).reply();
        assertThat(reply.getType()).isEqualTo("dev.kiln.greeting");
        assertThat(reply.getSource()).isEqualTo(URI.create("/functions/greeter"));
        assertThat(reply.getId()).isNotEqualTo(in.getId());
        assertThat(reply.getSubject()).isEqualTo("Ada");
        assertThat(reply.getExtension("greetinglanguage")).isEqualTo("es");
    }

    @Test
    void otherEventTypesAreNotForThisFunction() {
        CloudEvent push = CloudEventBuilder.v1(hello("{\"name\":\"Ada\"}")).withType("dev.knative.source.github.push").build();
        assertThat(greeter.invoke(push).status()).isEqualTo(404);
    }

    @Test
    void punctuationIsConfigurable() throws Exception {
        try (FunctionTester calm = FunctionTester.of(new Greeter(), Map.of("GREETER_PUNCTUATION", "."))) {
            assertThat(new String(calm.invoke(hello("{\"name\":\"Ada\"}")).reply().getData().toBytes(), StandardCharsets.UTF_8))
                    .contains("Hello, Ada.");
        }
    }

    @Test
    void theWarmupEventIsAccepted() throws Exception {
        assertThat(greeter.invoke(new Greeter().warmupEvent(null)).status()).isEqualTo(200);
    }

    private static CloudEvent hello(String json) {
        return CloudEventBuilder.v1().withId("1").withSource(URI.create("/test")).withType(Greeter.HELLO)
                .withData("application/json", json.getBytes(StandardCharsets.UTF_8)).build();
    }
}
