package dev.kiln.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"0, 0", "30s, 30000", "1m30s, 90000", "500ms, 500", "1h, 3600000", "1.5s, 1500", "2h0m1s, 7201000"})
    void parses(String text, long millis) {
        assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "30", "-1s", "1d", "s", "1m 30s", "PT1S"})
    void refuses(String text) {
        assertThatThrownBy(() -> GoDurations.parse(text)).isInstanceOf(IllegalArgumentException.class);
        assertThat(GoDurations.isValid(text)).isFalse();
    }
}
