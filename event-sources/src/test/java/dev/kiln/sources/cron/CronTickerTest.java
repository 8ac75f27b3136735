package dev.kiln.sources.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CronTickerTest {

    static final ZoneId UTC = ZoneId.of("UTC");

    static Stream<Arguments> next() {
        return Stream.of(
                Arguments.of("every minute", "* * * * *", "UTC", "2026-11-22T10:15:30Z", "2026-11-22T10:16:00Z"),
                Arguments.of("on the minute: strictly after", "* * * * *", "UTC", "2026-11-22T10:16:00Z", "2026-11-22T10:17:00Z"),
                Arguments.of("with seconds", "*/10 * * * * *", "UTC", "2026-11-22T10:15:31Z", "2026-11-22T10:15:40Z"),
                Arguments.of("every second, from a fraction of one: a whole second", "* * * * * *", "UTC", "2026-11-22T10:15:31.541Z",
                        "2026-11-22T10:15:32Z"),
                Arguments.of("09:00 in Paris is 08:00 UTC in winter", "0 9 * * *", "Europe/Paris", "2026-11-22T07:00:00Z", "2026-11-22T08:00:00Z"),
                Arguments.of("descriptor", "@hourly", "UTC", "2026-11-22T10:15:00Z", "2026-11-22T11:00:00Z"),
                Arguments.of("Sunday as 7", "0 0 * * 7", "UTC", "2026-11-22T10:00:00Z", "2026-11-29T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("next")
    void nextTick(String name, String schedule, String zone, String now, String expected) {
        assertThat(new CronTicker(schedule, ZoneId.of(zone)).next(Instant.parse(now)).toInstant()).isEqualTo(Instant.parse(expected));
    }

    static Stream<Arguments> wake() {
        return Stream.of(
                Arguments.of("on time: fire, nothing missed", "* * * * *", "10:16:00", "10:16:00.005", "10:16:00", 0, "10:17:00"),
                Arguments.of("late within the period: fire the due tick", "* * * * *", "10:16:00", "10:16:40", "10:16:00", 0, "10:17:00"),
                Arguments.of("paused 5 minutes: fire once for the latest, the 5 before it missed", "* * * * *", "10:16:00", "10:21:10", "10:21:00", 5, "10:22:00"),
                Arguments.of("paused exactly to the next tick", "* * * * *", "10:16:00", "10:17:00", "10:17:00", 1, "10:18:00"),
                Arguments.of("hourly, slept the night", "@hourly", "02:00:00", "09:30:00", "09:00:00", 7, "10:00:00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wake")
    void missedTicksFireOnce(String name, String schedule, String due, String now, String fire, long missed, String next) {
        CronTicker t = new CronTicker(schedule, UTC);
        CronTicker.Wake w = t.wake(at(due), Instant.parse("2026-11-22T" + now + "Z"));
        assertThat(w.fire()).isEqualTo(at(fire));
        assertThat(w.missed()).isEqualTo(missed);
        assertThat(w.next()).isEqualTo(at(next));
    }

    static ZonedDateTime at(String time) {
        return ZonedDateTime.parse("2026-11-22T" + time + "Z[UTC]");
    }
}
