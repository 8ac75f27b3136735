package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryModeTest {

    static Map<String, String> headers(String... kv) {
        Map<String, String> h = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s", "ce-type", "t"));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                h.remove(kv[i]);
            } else {
                h.put(kv[i], kv[i + 1]);
            }
        }
        return h;
    }

    @Test
    void readsEveryAttributeAndTheData() throws HttpError {
        CloudEvent e = BinaryMode.read(headers("ce-subject", "a%20b%C3%A9", "ce-time", "2026-11-22T10:00:00Z",
                "ce-myext", "v", "content-type", "application/json", "ce-dataschema", "https://x/s"),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.getSpecVersion()).isEqualTo(SpecVersion.V1);
        assertThat(e.getSubject()).isEqualTo("a bé");
        assertThat(e.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-22T10:00:00Z"));
        assertThat(e.getExtension("myext")).isEqualTo("v");
        assertThat(e.getDataSchema()).isEqualTo(URI.create("https://x/s"));
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(e.getData().toBytes()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noBodyAndNoContentTypeMeansNoData() throws HttpError {
        assertThat(BinaryMode.read(headers(), new byte[0]).getData()).isNull();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("no spec version", headers("ce-specversion", null), "malformed CloudEvent: missing ce-specversion header"),
                Arguments.of("unknown spec version", headers("ce-specversion", "2.0"), "malformed CloudEvent: unknown spec version 2.0"),
                Arguments.of("no id", headers("ce-id", null), "malformed CloudEvent: "),
                Arguments.of("no source", headers("ce-source", null), "malformed CloudEvent: "),
                Arguments.of("bad time", headers("ce-time", "yesterday"), "malformed CloudEvent: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedEventsAre400(String name, Map<String, String> headers, String message) {
        assertThatThrownBy(() -> BinaryMode.read(headers, new byte[0])).isInstanceOfSatisfying(HttpError.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(message);
        });
    }

    static Stream<Arguments> percent() {
        return Stream.of(
                Arguments.of("plain", "abc", "abc"),
                Arguments.of("space", "a%20b", "a b"),
                Arguments.of("utf-8", "%E2%82%AC", "€"),
                Arguments.of("malformed escape kept", "100%", "100%"),
                Arguments.of("bad hex kept", "%zz", "%zz"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("percent")
    void percentDecoding(String name, String in, String out) {
        assertThat(BinaryMode.percentDecode(in)).isEqualTo(out);
    }

    @Test
    void replyIdsAreVersion4Uuids() {
        java.util.UUID id = java.util.UUID.fromString(Invoker.newId());
        assertThat(id.version()).isEqualTo(4);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(Invoker.newId()).isNotEqualTo(Invoker.newId());
    }
}
