package dev.kiln.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SteadyStateTest {

    static Stream<Arguments> warmUps() {
        SteadyState.Rule rule = new SteadyState.Rule(0.05, 3, 8);
        return Stream.of(
                // name, rates the windows give, rule, steady?, windows run
                Arguments.of("a JIT ramp then a plateau stops at the third agreeing window", List.of(2700.0, 9000.0, 10500.0, 11500.0, 11400.0, 11600.0, 11500.0),
                        rule, true, 6),
                Arguments.of("steady from the start stops as early as the rule allows", List.of(100.0, 101.0, 99.0, 100.0), rule, true, 3),
                Arguments.of("a spread just over the tolerance is not steady", List.of(100.0, 106.0, 100.0, 106.0, 100.0, 106.0, 100.0, 106.0), rule, false, 8),
                Arguments.of("a spread at the tolerance is steady", List.of(100.0, 105.0, 102.0), rule, true, 3),
                Arguments.of("windows that moved nothing never count as steady", List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), rule, false, 8),
                Arguments.of("a noisy machine runs out of windows", List.of(100.0, 80.0, 120.0, 90.0, 130.0, 70.0, 110.0, 95.0), rule, false, 8),
                Arguments.of("two windows may be enough when asked", List.of(50.0, 100.0, 101.0), new SteadyState.Rule(0.05, 2, 8), true, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warmUps")
    void warmsUntilTheLastWindowsAgree(String name, List<Double> rates, SteadyState.Rule rule, boolean steady, int windows) throws Exception {
        Iterator<Double> next = rates.iterator();
        SteadyState.Result r = SteadyState.warm(rule, next::next);
        assertThat(r.steady()).isEqualTo(steady);
        assertThat(r.rates()).hasSize(windows).isEqualTo(rates.subList(0, windows));
        assertThat(r.describe()).startsWith(steady ? "steady after " + windows : "NOT steady after " + windows);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRules")
    void refusesRulesThatCannotDecide(String name, double tolerance, int windows, int max) {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new SteadyState.Rule(tolerance, windows, max));
    }

    static Stream<Arguments> badRules() {
        return Stream.of(Arguments.of("one window agrees with itself", 0.05, 1, 10), Arguments.of("fewer windows allowed than needed", 0.05, 3, 2),
                Arguments.of("no tolerance", 0.0, 3, 10));
    }
}
