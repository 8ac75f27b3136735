package dev.kiln.eventing.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.validation.FieldErrors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a journey says about a Trigger's filter: which filter decided, and which attribute differed. */
class FilterExplanationTest {

    static Stream<Arguments> explanations() {
        return Stream.of(
                Arguments.of("no filter", "", "no filter: every event matches"),
                Arguments.of("exact: the attribute that differed", "filters: [{exact: {type: dev.kiln.hello}}]",
                        "spec.filters[0].exact: type is \"dev.knative.source.github.push\", not \"dev.kiln.hello\""),
                Arguments.of("exact: a missing attribute", "filters: [{exact: {region: eu}}]",
                        "spec.filters[0].exact: the event has no region (wanted \"eu\")"),
                Arguments.of("prefix", "filters: [{prefix: {source: 'https://gitlab.com/'}}]",
                        "spec.filters[0].prefix: source is \"https://github.com/kiln/app\", not starting with \"https://gitlab.com/\""),
                Arguments.of("suffix", "filters: [{suffix: {ref: /dev}}]",
                        "spec.filters[0].suffix: ref is \"refs/heads/main\", not ending with \"/dev\""),
                Arguments.of("a match says which filter", "filters: [{exact: {subject: main}}]", "spec.filters[0].exact: matched (subject)"),
                Arguments.of("the second of two filters decided", "filters: [{exact: {subject: main}}, {exact: {ref: refs/heads/dev}}]",
                        "spec.filters[1].exact: ref is \"refs/heads/main\", not \"refs/heads/dev\""),
                Arguments.of("any: every failure", "filters: [{any: [{exact: {subject: dev}}, {exact: {subject: prod}}]}]",
                        "spec.filters[0].any: none matched: spec.filters[0].any[0].exact: subject is \"main\", not \"dev\"; "
                                + "spec.filters[0].any[1].exact: subject is \"main\", not \"prod\""),
                Arguments.of("not", "filters: [{not: {exact: {subject: main}}}]",
                        "spec.filters[0].not: the nested filter matched, so not does not (spec.filters[0].not.exact: matched (subject))"),
                Arguments.of("cesql false", "filters: [{cesql: \"subject = 'dev'\"}]", "spec.filters[0].cesql: subject = 'dev' is false"),
                Arguments.of("cesql error", "filters: [{cesql: \"subject + 1 = 2\"}]",
                        "spec.filters[0].cesql: subject + 1 = 2 failed to evaluate (no match): "),
                Arguments.of("legacy attributes", "filter: {attributes: {type: dev.kiln.hello}}",
                        "spec.filter.attributes.type: type is \"dev.knative.source.github.push\", not \"dev.kiln.hello\""),
                Arguments.of("legacy: present and non-empty", "filter: {attributes: {missing: ''}}",
                        "spec.filter.attributes.missing: the event has no missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("explanations")
    void saysWhichFilterDecidedAndWhichAttributeDiffered(String name, String spec, String explanation) {
        FieldErrors errors = new FieldErrors();
        EventFilter filter = TriggerFilters.compile(TriggerFiltersTest.trigger(spec).getSpec(), errors);
        assertThat(errors.list()).isEmpty();
        assertThat(filter.explain(TriggerFiltersTest.EVENT)).startsWith(explanation);
    }
}
