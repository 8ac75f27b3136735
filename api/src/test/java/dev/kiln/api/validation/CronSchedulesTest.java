package dev.kiln.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.time.ExecutionTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronSchedulesTest {

    /** The schedule is parsed and its next run after 2026-03-04T10:17:30Z is as PingSource would fire it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "*/5 * * * *      | 2026-03-04T10:20:00Z",
            "0 3 * * *        | 2026-03-05T03:00:00Z",
            "*/10 * * * * *   | 2026-03-04T10:17:40Z",
            "@hourly          | 2026-03-04T11:00:00Z",
            "@daily           | 2026-03-05T00:00:00Z",
            "0 9 * * 1        | 2026-03-09T09:00:00Z",
            "0 9 * * 7        | 2026-03-08T09:00:00Z",
            "0 0 1 1 *        | 2027-01-01T00:00:00Z"})
    void nextRun(String schedule, String next) {
        ZonedDateTime from = ZonedDateTime.parse("2026-03-04T10:17:30Z");
        ZonedDateTime actual = ExecutionTime.forCron(CronSchedules.parse(schedule.trim())).nextExecution(from).orElseThrow();
        assertThat(actual.withZoneSameInstant(ZoneOffset.UTC)).isEqualTo(ZonedDateTime.parse(next.trim()));
    }
}
