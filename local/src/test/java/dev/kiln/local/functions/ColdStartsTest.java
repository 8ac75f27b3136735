package dev.kiln.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ColdStartsTest {

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("none", new long[0], null),
                Arguments.of("one", new long[] {420}, new ColdStarts.Summary(1, 420, 420, 420)),
                Arguments.of("the lower median of an even count", new long[] {300, 500, 400, 200}, new ColdStarts.Summary(4, 300, 500, 200)),
                Arguments.of("p90 by nearest rank", LongStream.rangeClosed(1, 10).map(i -> i * 100).toArray(),
                        new ColdStarts.Summary(10, 500, 900, 1000)),
                Arguments.of("only the last 100 count for median and p90, every one for count",
                        LongStream.concat(LongStream.generate(() -> 9000).limit(50), LongStream.rangeClosed(1, 100)).toArray(),
                        new ColdStarts.Summary(150, 50, 90, 100)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void summarises(String name, long[] millis, ColdStarts.Summary expected) {
        ColdStarts c = new ColdStarts();
        for (long ms : millis) {
            c.record(Duration.ofMillis(ms));
        }
        assertThat(c.summary()).isEqualTo(expected);
        assertThat(c.sumMillis()).isEqualTo(LongStream.of(millis).sum());
    }
}
