package dev.kiln.eventing.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Knative's three-valued combination rules (eventfilter Pass/Fail/NoFilter), checked directly. */
class CompositeTest {

    static final EventFilter PASS = fixed(FilterResult.PASS);
    static final EventFilter FAIL = fixed(FilterResult.FAIL);
    static final EventFilter NONE = EventFilter.NONE;
    static final CloudEvent EVENT = TriggerFiltersTest.EVENT;

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of("all of nothing", Composite.all(List.of(), "f"), FilterResult.NO_FILTER),
                Arguments.of("all: pass and no-filter", Composite.all(List.of(NONE, PASS), "f"), FilterResult.PASS),
                Arguments.of("all: a fail wins", Composite.all(List.of(PASS, FAIL, NONE), "f"), FilterResult.FAIL),
                Arguments.of("any of nothing", Composite.any(List.of(), "f"), FilterResult.NO_FILTER),
                Arguments.of("any: fail and no-filter", Composite.any(List.of(NONE, FAIL), "f"), FilterResult.FAIL),
                Arguments.of("any: a pass wins", Composite.any(List.of(FAIL, PASS), "f"), FilterResult.PASS),
                Arguments.of("not pass", Composite.not(PASS, "f"), FilterResult.FAIL),
                Arguments.of("not fail", Composite.not(FAIL, "f"), FilterResult.PASS),
                Arguments.of("not no-filter stays no-filter", Composite.not(NONE, "f"), FilterResult.NO_FILTER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void combines(String name, EventFilter filter, FilterResult expected) {
        assertThat(filter.evaluate(EVENT)).isEqualTo(expected);
        assertThat(expected.delivers()).isEqualTo(expected != FilterResult.FAIL);
    }

    static EventFilter fixed(FilterResult result) {
        return new EventFilter() {
            @Override
            public FilterResult evaluate(CloudEvent event) {
                return result;
            }

            @Override
            public String explain(CloudEvent event) {
                return result.name();
            }
        };
    }
}
