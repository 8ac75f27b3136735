package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest(name = "through the SDK builder: {0}")
    @ValueSource(booleans = {false, true})
    void readsEveryAttributeAndTheData(boolean checked) throws HttpError {
        CloudEvent e = BinaryMode.read(headers("ce-subject", "a%20b%C3%A9", "ce-time", "2026-11-22T10:00:00Z",
                "ce-myext", "v", "content-type", "application/json", "ce-dataschema", "https://x/s"),
                "{}".getBytes(StandardCharsets.UTF_8), checked);
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
        assertThat(BinaryMode.read(headers(), new byte[0], false).getData()).isNull();
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
        assertThatThrownBy(() -> BinaryMode.read(headers, new byte[0], false)).isInstanceOfSatisfying(HttpError.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(message);
        });
    }

    /** Requests the runtime reads itself and requests it leaves to the SDK's builder, valid or not. */
    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("minimal", headers(), ""),
                Arguments.of("every attribute", headers("ce-subject", "s", "ce-time", "2026-11-22T10:00:00.123456789+02:00",
                        "ce-dataschema", "https://x/s", "ce-traceparent", "00-1-2-01", "content-type", "application/json"), "{}"),
                Arguments.of("content type without body", headers("content-type", "text/plain"), ""),
                Arguments.of("body without content type", headers(), "raw"),
                Arguments.of("percent-encoded", headers("ce-id", "%41%zz", "ce-source", "/a%20b", "ce-myext", "%C3%A9"), ""),
                Arguments.of("empty extension name", headers("ce-", "v"), ""),
                Arguments.of("upper-case extension", headers("ce-Bad", "v"), ""),
                Arguments.of("extension with a dash", headers("ce-bad-name", "v"), ""),
                Arguments.of("datacontenttype header", headers("ce-datacontenttype", "application/xml"), "<a/>"),
                Arguments.of("datacontenttype and content type", headers("ce-datacontenttype", "application/xml", "content-type", "text/plain"), "x"),
                Arguments.of("source that is no URI", headers("ce-source", "a b"), ""),
                Arguments.of("dataschema that is no URI", headers("ce-dataschema", "::"), ""),
                Arguments.of("time without offset", headers("ce-time", "2026-11-22T10:00:00"), ""),
                Arguments.of("lower-case time", headers("ce-time", "2026-11-22t10:00:00z"), ""),
                Arguments.of("leap second", headers("ce-time", "2026-12-31T23:59:60Z"), ""),
                Arguments.of("no type", headers("ce-type", null), ""),
                Arguments.of("empty id", headers("ce-id", ""), ""),
                Arguments.of("spec version with spaces", headers("ce-specversion", " 1.0 "), ""),
                Arguments.of("spec version 0.3", headers("ce-specversion", "0.3", "ce-schemaurl", "https://x/s"), ""));
    }

    /** The runtime's own reading gives what the SDK's builder gives: the same event, or the same 400. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void readsAsTheSdksBuilderDoes(String name, Map<String, String> headers, String body) {
        byte[] data = body.getBytes(StandardCharsets.UTF_8);
        Object own = readOrError(headers, data, false);
        Object sdk = readOrError(headers, data, true);
        assertThat(own).isEqualTo(sdk);
    }

    private static Object readOrError(Map<String, String> headers, byte[] body, boolean checked) {
        try {
            return BinaryMode.read(headers, body, checked);
        } catch (HttpError e) {
            return e.status + " " + e.getMessage();
        }
    }

    static Stream<Arguments> replies() {
        CloudEventBuilder base = CloudEventBuilder.v1().withId("r1").withSource(URI.create("/functions/f")).withType("t");
        return Stream.of(
                Arguments.of("minimal", base.build()),
                Arguments.of("data", base.newBuilder().withData("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build()),
                Arguments.of("data without a type", base.newBuilder().withData("x".getBytes(StandardCharsets.UTF_8)).build()),
                Arguments.of("every attribute", base.newBuilder().withSubject("é").withDataSchema(URI.create("https://x/s"))
                        .withTime(OffsetDateTime.parse("2026-11-22T10:00:00.120Z")).build()),
                Arguments.of("extensions of every type", base.newBuilder().withExtension("s", "v").withExtension("n", 42)
                        .withExtension("d", 1.5).withExtension("b", true).withExtension("u", URI.create("https://u"))
                        .withExtension("t", OffsetDateTime.parse("2026-11-22T10:00:00+01:00")).withExtension("bytes", new byte[] {1, 2, 3})
                        .build()),
                Arguments.of("values to percent-encode", base.newBuilder().withSubject("/files/a%20b.txt").withExtension("k", "line\nbreak é")
                        .build()),
                Arguments.of("version 0.3", CloudEventBuilder.v03().withId("r").withSource(URI.create("/s")).withType("t")
                        .withSubject("s%").build()));
    }

    /**
     * What the runtime writes for a reply is what the SDK's HTTP writer writes, with the values percent-encoded as the
     * binding says (the SDK's writer writes them raw).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void writesAsTheSdksWriterDoes(String name, CloudEvent reply) {
        Map<String, String> own = new TreeMap<>();
        byte[] ownBody = BinaryMode.write(reply, own::put);
        Map<String, String> sdk = new TreeMap<>();
        ByteArrayOutputStream sdkBody = new ByteArrayOutputStream();
        HttpMessageFactory.createWriter((k, v) -> sdk.put(k, k.startsWith("ce-") ? BinaryMode.percentEncode(v) : v),
                b -> sdkBody.writeBytes(b == null ? new byte[0] : b)).writeBinary(reply);
        assertThat(own).isEqualTo(sdk);
        assertThat(ownBody).isEqualTo(sdkBody.toByteArray());
    }

    /**
     * A reply read back by a runtime is the same event (a Sequence of two Kiln functions): the writer encodes what the
     * reader decodes. Once the writer encoded nothing, and a subject {@code /files/a%20b.txt} arrived as {@code /files/a b.txt}.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/files/a%20b.txt", "100%", "%zz", "a b \"quoted\"", "line\nbreak\ttab\u007f", "é € \uD83D\uDE00", "%25"})
    void aReplyReadBackIsTheSameEvent(String value) throws HttpError {
        CloudEvent reply = CloudEventBuilder.v1().withId("r1").withSource(URI.create("/functions/f")).withType("t").withSubject(value)
                .withExtension("k", value).build();
        Map<String, String> headers = new TreeMap<>();
        BinaryMode.write(reply, (k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        assertThat(headers.values()).allSatisfy(v -> assertThat(v).matches("[\\x20-\\x7e]*"));
        for (boolean checked : new boolean[] {false, true}) {
            assertThat(BinaryMode.read(headers, new byte[0], checked)).isEqualTo(reply);
        }
    }

    static Stream<Arguments> percentEncoded() {
        return Stream.of(
                Arguments.of("plain", "abc", "abc"),
                Arguments.of("space and quote kept, as Kiln's other senders keep them", "a b\"c", "a b\"c"),
                Arguments.of("percent", "a%20b", "a%2520b"),
                Arguments.of("control characters and DEL", "a\nb\u007f", "a%0Ab%7F"),
                Arguments.of("non-ASCII as UTF-8", "é€", "%C3%A9%E2%82%AC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("percentEncoded")
    void percentEncoding(String name, String in, String out) {
        assertThat(BinaryMode.percentEncode(in)).isEqualTo(out);
        assertThat(BinaryMode.percentDecode(out)).isEqualTo(in);
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
