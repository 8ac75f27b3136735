package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.rw.CloudEventRWException;
import io.cloudevents.types.Time;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Events made without the SDK's builder are the events the builder makes from the same values. */
class CloudEventsTest {

    @Test
    void timesAreWrittenAsTheSdkWritesThem() {
        Random random = new Random(22);
        for (int i = 0; i < 5000; i++) {
            long seconds = random.nextLong() % 253402300799L; // within years 0..9999 on either side of 1970
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            ZoneOffset offset = random.nextInt(3) == 0 ? ZoneOffset.ofTotalSeconds(random.nextInt(36000) * (random.nextBoolean() ? 1 : -1)) : ZoneOffset.UTC;
            OffsetDateTime t = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nano), offset);
            assertThat(CloudEvents.time(t)).as(t.toString()).isEqualTo(Time.writeTime(t));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        assertThat(CloudEvents.time(now)).isEqualTo(Time.writeTime(now));
        OffsetDateTime far = OffsetDateTime.of(12026, 1, 2, 3, 4, 5, 6, ZoneOffset.UTC);
        assertThat(CloudEvents.time(far)).isEqualTo(Time.writeTime(far));
    }

    @Test
    void repliesAreTheBuildersEvents() {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("traceparent", "00-1-2-01");
        extensions.put("n", 42);
        extensions.put("ok", true);
        extensions.put("u", URI.create("https://x"));
        extensions.put("t", OffsetDateTime.parse("2026-11-22T10:00:00Z"));
        extensions.put("b", new byte[] {1, 2});
        extensions.put("other", List.of("a"));
        extensions.put("nothing", null);
        OffsetDateTime time = OffsetDateTime.now(ZoneOffset.UTC);
        byte[] data = "{}".getBytes(StandardCharsets.UTF_8);
        for (String subject : new String[] {null, "s"}) {
            CloudEvent own = CloudEvents.reply("id", URI.create("/src"), "type", subject, time, extensions, "application/json", data, false);
            CloudEvent sdk = CloudEvents.reply("id", URI.create("/src"), "type", subject, time, extensions, "application/json", data, true);
            assertThat(own).isEqualTo(sdk);
            assertThat(own.getExtension("other")).isEqualTo("[a]");
            assertThat(own.getExtension("nothing")).isEqualTo("null");
        }
    }

    @Test
    void aMissingTypeIsRefusedAsTheBuilderRefusesIt() {
        for (boolean checked : new boolean[] {false, true}) {
            assertThatThrownBy(() -> CloudEvents.reply("id", URI.create("/s"), null, null, null, Map.of(), "text/plain", new byte[0], checked))
                    .isInstanceOf(IllegalStateException.class).hasMessage("Attribute 'type' cannot be null");
        }
    }

    @Test
    void extensionNamesAreCheckedAsTheBuilderChecksThem() {
        CloudEvents.checkExtensionNames(List.of("abc123", ""));
        for (String bad : List.of("Upper", "with-dash", "é", "a b")) {
            assertThatThrownBy(() -> CloudEvents.checkExtensionNames(List.of(bad))).isInstanceOf(CloudEventRWException.class)
                    .hasMessage("Invalid extensions name: " + bad);
            assertThatThrownBy(() -> CloudEventBuilder.v1().withExtension(bad, "v")).hasMessage("Invalid extensions name: " + bad);
        }
    }

    @Test
    void addingExtensionsGivesTheBuildersEvent() {
        CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("t").withSubject("x")
                .withTime(OffsetDateTime.parse("2026-11-22T10:00:00Z")).withExtension("keep", 1)
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
        Map<String, String> trace = Map.of("traceparent", "00-a-b-01", "tracestate", "k=v");
        assertThat(CloudEvents.withExtensions(event, trace, false)).isEqualTo(CloudEvents.withExtensions(event, trace, true));
    }
}
