package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArrivalTimeTest {

    static Stream<Arguments> instants() {
        return Stream.of(
                Arguments.of("micros", "2026-11-28T10:45:06.123456Z", "2026-11-28T10:45:06.123456Z"),
                Arguments.of("nanos are cut to micros", "2026-11-28T10:45:06.123456789Z", "2026-11-28T10:45:06.123456Z"),
                Arguments.of("a whole second keeps its seconds and fraction", "2026-11-28T10:45:00Z", "2026-11-28T10:45:00.000000Z"),
                Arguments.of("leading zeros of the fraction", "2026-01-02T03:04:05.000007Z", "2026-01-02T03:04:05.000007Z"),
                Arguments.of("midnight", "2026-12-31T00:00:00.5Z", "2026-12-31T00:00:00.500000Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instants")
    void formatsRfc3339InUtc(String name, String instant, String expected) {
        assertThat(ArrivalTime.format(Instant.parse(instant))).isEqualTo(expected);
        // Within the same second the cached part is reused, and the fraction still changes.
        assertThat(ArrivalTime.format(Instant.parse(instant).plusNanos(1000))).startsWith(expected.substring(0, 19));
    }

    @Test
    void parsesBackAsTheSameInstantToTheMicrosecond() {
        Instant now = Instant.now();
        Instant back = OffsetDateTime.parse(ArrivalTime.format(now)).toInstant();
        assertThat(back).isEqualTo(now.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }
}
