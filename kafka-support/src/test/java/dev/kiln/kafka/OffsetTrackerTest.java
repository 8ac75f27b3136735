package dev.kiln.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OffsetTrackerTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Named.of("nothing polled: nothing to commit", (Consumer<OffsetTracker<String>>) t -> { }), Map.of()),
                Arguments.of(Named.of("all in flight: commit up to the oldest", (Consumer<OffsetTracker<String>>) t -> {
                    t.started("p0", 5);
                    t.started("p0", 6);
                }), Map.of("p0", 5L)),
                Arguments.of(Named.of("finished in order: commit past the last", (Consumer<OffsetTracker<String>>) t -> {
                    Runnable five = t.started("p0", 5);
                    Runnable six = t.started("p0", 6);
                    five.run();
                    six.run();
                }), Map.of("p0", 7L)),
                Arguments.of(Named.of("a later one finished first: held at the slow one", (Consumer<OffsetTracker<String>>) t -> {
                    Runnable five = t.started("p0", 5);
                    t.started("p0", 6);
                    Runnable seven = t.started("p0", 7);
                    seven.run();
                    five.run();
                }), Map.of("p0", 6L)),
                Arguments.of(Named.of("partitions are independent", (Consumer<OffsetTracker<String>>) t -> {
                    t.started("p0", 1);
                    t.started("p1", 40).run();
                }), Map.of("p0", 1L, "p1", 41L)),
                Arguments.of(Named.of("outcomes of forgotten partitions are ignored", (Consumer<OffsetTracker<String>>) t -> {
                    Runnable one = t.started("p0", 1);
                    t.forget(List.of("p0"));
                    one.run();
                }), Map.of()),
                // A revoked partition assigned back to the same member is read again from its committed offset: the
                // old read's late outcome must not mark the new read of the same record final while it is in flight.
                Arguments.of(Named.of("an outcome from before the partition was forgotten is ignored after it came back",
                        (Consumer<OffsetTracker<String>>) t -> {
                            Runnable oldRead = t.started("p0", 1);
                            t.forget(List.of("p0"));
                            t.started("p0", 1);
                            oldRead.run();
                        }), Map.of("p0", 1L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void commitsOnlyFinalOutcomes(Consumer<OffsetTracker<String>> steps, Map<String, Long> expected) {
        OffsetTracker<String> tracker = new OffsetTracker<>();
        steps.accept(tracker);
        assertThat(tracker.committable()).isEqualTo(expected);
    }

    @Test
    void reportsOnlyOffsetsThatMovedButTheFinalCommitGetsThemAll() {
        OffsetTracker<String> tracker = new OffsetTracker<>();
        tracker.started("p0", 0).run();
        assertThat(tracker.committable()).isEqualTo(Map.of("p0", 1L));
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.current(List.of("p0", "p9"))).isEqualTo(Map.of("p0", 1L));
        tracker.started("p0", 1);
        assertThat(tracker.pending()).isEqualTo(1);
        assertThat(tracker.committable()).as("1 is still in flight").isEmpty();
    }
}
