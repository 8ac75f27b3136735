package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.function.fixtures.Events;
import dev.kiln.function.fixtures.Greeter;
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

class FunctionTesterTest {

    static FunctionTester tester;

    @BeforeAll
    static void start() throws Exception {
        tester = FunctionTester.of(new Greeter(), Map.of("KILN_TIMEOUT_SECONDS", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        tester.close();
    }

    /**
     * Every tester of a test run shares one class-path lookup (each used to start a thread of its own that opened
     * every jar again). Read through the fields, as nothing outside the runtime may see its classes.
     */
    @Test
    void testersShareOneClassPathLookup() throws Exception {
        try (FunctionTester other = FunctionTester.of(new Greeter())) {
            assertThat(classPathCheck(other)).isNotNull().isSameAs(classPathCheck(tester));
        }
    }

    private static Object classPathCheck(FunctionTester t) throws ReflectiveOperationException {
        Object inProcess = field(t, "invoker");
        return field(field(inProcess, "invoker"), "classPath");
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    /** The init hook runs once the tester's invoker exists, and its failure reaches the caller as it was thrown. */
    @Test
    void anInitFailureReachesTheCaller() {
        IllegalStateException failure = new IllegalStateException("no database");
        CloudFunction<String, String> fn = new CloudFunction<>() {
            @Override
            public void init(FunctionConfig config) {
                throw failure;
            }

            @Override
            public String apply(String in, Context context) {
                return in;
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FunctionTester.of(fn)).isSameAs(failure);
    }

    static Stream<Arguments> outcomes() {
        return Stream.of(
                arguments("reply", Events.hello("ada"), 200, null),
                arguments("no reply", Events.hello("nobody"), 202, null),
                arguments("function error", Events.hello("boom"), 500, "the function failed: java.lang.IllegalStateException: boom requested"),
                arguments("function rejects the event", Events.hello(""), 400, "the function rejected the event: name must not be empty"),
                arguments("deadline", Events.hello("sleep3000"), 504, "the function did not finish within 1s"),
                arguments("type not accepted", CloudEventBuilder.v1(Events.hello("ada")).withType("other").build(), 404,
                        "this function does not accept events of type other; it accepts dev.kiln.hello"),
                arguments("no data", CloudEventBuilder.v1(Events.hello("ada")).withoutData().withoutDataContentType().build(), 400,
                        "the event has no data; this function expects Hello as JSON"),
                arguments("xml data", CloudEventBuilder.v1(Events.hello("ada")).withData("application/xml", "<a/>".getBytes(StandardCharsets.UTF_8)).build(), 415,
                        "data content type application/xml is not supported; this function expects Hello as application/json"),
                arguments("json that does not bind", CloudEventBuilder.v1(Events.hello("ada")).withData("application/json", "[1,2]".getBytes(StandardCharsets.UTF_8)).build(), 400,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outcomes")
    void answersAsHttpWould(String name, CloudEvent event, int status, String message) {
        Outcome out = tester.invoke(event);
        assertThat(out.status()).as(out.message()).isEqualTo(status);
        if (message != null) {
            assertThat(out.message()).isEqualTo(message);
        }
        if (status == 400 && message == null) {
            assertThat(out.message()).startsWith("the event's data does not bind to Hello:");
        }
    }

    @Test
    void replyHasItsOwnTypeSourceAndIdAndCarriesTrace() {
        CloudEvent in = CloudEventBuilder.v1(Events.hello("ada")).withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build();
        CloudEvent reply = tester.invoke(in).reply();
        assertThat(reply.getType()).isEqualTo("dev.kiln.function.greeter.reply");
        assertThat(reply.getSource()).isEqualTo(URI.create("/functions/greeter"));
        assertThat(reply.getId()).isNotEqualTo(in.getId());
        assertThat(reply.getSubject()).isEqualTo("ada");
        assertThat(reply.getExtension("greeted")).isEqualTo(true);
        assertThat(reply.getExtension("traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(new String(reply.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Hello, ada\"}");
        assertThat(reply.getDataContentType()).isEqualTo("application/json");
    }

    /** A reply the function shapes badly is its own 500, not an exception out of the runtime (a dropped connection over HTTP). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badReplies")
    void aBadlyShapedReplyIs500(String name, java.util.function.Consumer<Reply> shape, String message) throws Exception {
        CloudFunction<String, String> function = new CloudFunction<>() {
            @Override
            public String apply(String input, Context context) {
                shape.accept(context.reply());
                return "reply";
            }
        };
        try (FunctionTester bad = FunctionTester.of(function)) {
            Outcome out = bad.invoke(Events.hello("ada"));
            assertThat(out.status()).isEqualTo(500);
            assertThat(out.message()).isEqualTo("the function's reply could not be serialised: " + message);
        }
    }

    static Stream<Arguments> badReplies() {
        return Stream.of(
                arguments("extension name the SDK refuses", (java.util.function.Consumer<Reply>) r -> r.extension("Bad-Name", "x"),
                        "Invalid extensions name: Bad-Name"),
                arguments("no type", (java.util.function.Consumer<Reply>) r -> r.type(null), "Attribute 'type' cannot be null"),
                arguments("source that is no URI", (java.util.function.Consumer<Reply>) r -> r.source("a b"),
                        "Illegal character in path at index 1: a b"));
    }
}
