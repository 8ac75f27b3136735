package dev.kiln.api.duck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionSetTest {

    static final ConditionSet SET = ConditionSet.living("A", "B");

    static Stream<Arguments> readyDerivation() {
        return Stream.of(
                arguments("fresh: everything unknown", (Consumer<ConditionSet.Manager>) m -> { }, "Unknown", null),
                arguments("one true of two", (Consumer<ConditionSet.Manager>) m -> m.markTrue("A"), "Unknown", null),
                arguments("all true", (Consumer<ConditionSet.Manager>) m -> { m.markTrue("A"); m.markTrue("B"); }, "True", null),
                arguments("one false wins over true", (Consumer<ConditionSet.Manager>) m -> { m.markTrue("A"); m.markFalse("B", "Broke", "b broke"); },
                        "False", "Broke"),
                arguments("false wins over a later unknown", (Consumer<ConditionSet.Manager>) m -> { m.markFalse("A", "Bad", "a"); m.markUnknown("B", "Waiting", "b"); },
                        "False", "Bad"),
                arguments("unknown carries its reason", (Consumer<ConditionSet.Manager>) m -> { m.markTrue("A"); m.markUnknown("B", "Building", "b"); },
                        "Unknown", "Building"),
                arguments("recovery to true", (Consumer<ConditionSet.Manager>) m -> { m.markFalse("A", "Bad", "a"); m.markTrue("A"); m.markTrue("B"); },
                        "True", null),
                arguments("first false in declared order", (Consumer<ConditionSet.Manager>) m -> { m.markFalse("B", "SecondBad", "b"); m.markFalse("A", "FirstBad", "a"); },
                        "False", "FirstBad"),
                arguments("ready marked directly", (Consumer<ConditionSet.Manager>) m -> m.markFalse(ConditionSet.READY, "InvalidSpec", "spec.x: bad"),
                        "False", "InvalidSpec"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readyDerivation")
    void derivesReady(String name, Consumer<ConditionSet.Manager> marks, String status, String reason) {
        Status s = new Status();
        ConditionSet.Manager m = SET.manage(s, Clock.systemUTC());
        m.initialize();
        marks.accept(m);
        Condition ready = s.condition(ConditionSet.READY).orElseThrow();
        assertThat(ready.status).isEqualTo(status);
        assertThat(ready.reason).isEqualTo(reason);
        assertThat(m.isHappy()).isEqualTo(status.equals("True"));
    }

    @Test
    void lastTransitionTimeMovesOnlyWhenStatusChanges() {
        MutableClock clock = new MutableClock();
        Status s = new Status();
        ConditionSet.Manager m = SET.manage(s, clock);
        m.initialize();
        clock.at("2026-01-01T00:00:01Z");
        m.markUnknown("A", "Building", "step 1");
        assertThat(s.condition("A").orElseThrow().lastTransitionTime).isEqualTo("2026-01-01T00:00:00Z");

        clock.at("2026-01-01T00:00:02Z");
        m.markUnknown("A", "Building", "step 2");
        Condition a = s.condition("A").orElseThrow();
        assertThat(a.lastTransitionTime).as("same status, new message").isEqualTo("2026-01-01T00:00:00Z");
        assertThat(a.message).isEqualTo("step 2");

        clock.at("2026-01-01T00:00:03Z");
        m.markTrue("A");
        assertThat(s.condition("A").orElseThrow().lastTransitionTime).isEqualTo("2026-01-01T00:00:03Z");
        assertThat(s.condition("A").orElseThrow().reason).isNull();

        clock.at("2026-01-01T00:00:04Z");
        m.markTrue("B");
        assertThat(s.condition(ConditionSet.READY).orElseThrow().lastTransitionTime).isEqualTo("2026-01-01T00:00:04Z");
        clock.at("2026-01-01T00:00:05Z");
        m.markTrue("B");
        assertThat(s.condition(ConditionSet.READY).orElseThrow().lastTransitionTime).as("Ready stays True").isEqualTo("2026-01-01T00:00:04Z");
    }

    @Test
    void initializeKeepsExistingConditionsAndOrdersThem() {
        Status s = new Status();
        s.conditions.add(new Condition("B", "True", null, null, "2025-01-01T00:00:00Z"));
        SET.manage(s, Clock.systemUTC()).initialize();
        assertThat(s.conditions).extracting(c -> c.type).containsExactly("A", "B", "Ready");
        assertThat(s.condition("B").orElseThrow().lastTransitionTime).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(SET.dependents()).isEqualTo(List.of("A", "B"));
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void at(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
