package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CloudEvents 1.0, context attributes: id, source and type MUST be non-empty. The CloudEvents SDK checks only that they
 * are there, in every mode; Knative's ingress answers 400 to an empty one, and so does a function.
 */
class EventCodecTest {

    static Stream<Arguments> emptyRequired() {
        String structured = "{\"specversion\":\"1.0\",\"id\":\"%s\",\"source\":\"%s\",\"type\":\"%s\"}";
        return Stream.of(
                arguments("binary, empty id", binary("", "/s", "t"), "", "id is empty"),
                arguments("binary, empty source", binary("1", "", "t"), "", "source is empty"),
                arguments("binary, empty type", binary("1", "/s", ""), "", "type is empty"),
                arguments("binary with data, empty id", binary("", "/s", "t"), "x", "id is empty"),
                arguments("structured, empty id", json(EventCodec.STRUCTURED), structured.formatted("", "/s", "t"), "id is empty"),
                arguments("structured, empty source", json(EventCodec.STRUCTURED), structured.formatted("1", "", "t"), "source is empty"),
                arguments("structured, empty type", json(EventCodec.STRUCTURED), structured.formatted("1", "/s", ""), "type is empty"),
                arguments("batch, the second event's id empty", json(EventCodec.BATCH),
                        "[" + structured.formatted("1", "/s", "t") + "," + structured.formatted("", "/s", "t") + "]", "id is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyRequired")
    void anEmptyRequiredAttributeIsA400(String name, Map<String, List<String>> headers, String body, String message) {
        assertThatThrownBy(() -> EventCodecFuzz.CODEC.decode(headers, body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(HttpError.class, e -> {
                    assertThat(e.status).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("malformed CloudEvent: " + message);
                });
    }

    private static Map<String, List<String>> binary(String id, String source, String type) {
        return Map.of("ce-specversion", List.of("1.0"), "ce-id", List.of(id), "ce-source", List.of(source), "ce-type", List.of(type));
    }

    private static Map<String, List<String>> json(String contentType) {
        return Map.of("Content-Type", List.of(contentType));
    }
}
