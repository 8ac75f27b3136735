package dev.kiln.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SummaryTest {

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("three runs", List.of(30.0, 10.0, 20.0), new Summary(10, 20, 30, 3), "10 / **20** / 30"),
                Arguments.of("an even count takes the middle two's mean", List.of(4.0, 1.0, 3.0, 2.0), new Summary(1, 2.5, 4, 4), "1 / **3** / 4"),
                Arguments.of("one run is just its value", List.of(7.0), new Summary(7, 7, 7, 1), "7"),
                Arguments.of("runs that measured nothing are left out", List.of(Double.NaN, 5.0, 6.0, 7.0), new Summary(5, 6, 7, 3), "5 / **6** / 7"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void summarisesRuns(String name, List<Double> values, Summary expected, String formatted) {
        Summary s = Summary.of(values);
        assertThat(s).isEqualTo(expected);
        assertThat(s.format("%.0f")).isEqualTo(formatted);
    }

    @org.junit.jupiter.api.Test
    void noRunsIsADash() {
        assertThat(Summary.of(List.of()).format("%.0f")).isEqualTo("–");
    }
}
