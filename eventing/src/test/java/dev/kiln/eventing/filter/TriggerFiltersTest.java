package dev.kiln.eventing.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.validation.FieldErrors;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TriggerFiltersTest {

    static final CloudEvent EVENT = CloudEventBuilder.v1().withId("42").withSource(URI.create("https://github.com/kiln/app"))
            .withType("dev.knative.source.github.push").withSubject("main")
            .withTime(OffsetDateTime.parse("2026-11-22T10:00:00Z"))
            .withDataContentType("application/json; charset=utf-8").withExtension("ref", "refs/heads/main")
            .withExtension("empty", "").withExtension("count", 3).build();

    static Trigger trigger(String spec) {
        return Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t, namespace: default}
                spec:
                  broker: default
                  subscriber: {uri: http://localhost/}
                """ + spec.indent(2), Trigger.class);
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("no filter delivers", "", FilterResult.NO_FILTER),
                Arguments.of("legacy exact match", "filter: {attributes: {type: dev.knative.source.github.push}}", FilterResult.PASS),
                Arguments.of("legacy is case-sensitive", "filter: {attributes: {type: DEV.knative.source.github.push}}", FilterResult.FAIL),
                Arguments.of("legacy entries are ANDed", "filter: {attributes: {type: dev.knative.source.github.push, subject: dev}}", FilterResult.FAIL),
                Arguments.of("legacy empty value: present and non-empty", "filter: {attributes: {ref: ''}}", FilterResult.PASS),
                Arguments.of("legacy empty value: absent extension fails", "filter: {attributes: {missing: ''}}", FilterResult.FAIL),
                Arguments.of("legacy empty value: empty extension fails", "filter: {attributes: {empty: ''}}", FilterResult.FAIL),
                Arguments.of("legacy on a number extension", "filter: {attributes: {count: '3'}}", FilterResult.PASS),
                Arguments.of("legacy time is RFC 3339", "filter: {attributes: {time: '2026-11-22T10:00:00Z'}}", FilterResult.PASS),
                Arguments.of("legacy datamediatype drops parameters", "filter: {attributes: {datamediatype: application/json}}", FilterResult.PASS),
                Arguments.of("filters win over the legacy filter", "filter: {attributes: {type: other}}\nfilters: [{exact: {subject: main}}]", FilterResult.PASS),
                Arguments.of("exact", "filters: [{exact: {type: dev.knative.source.github.push}}]", FilterResult.PASS),
                Arguments.of("exact on a missing attribute fails", "filters: [{exact: {missing: x}}]", FilterResult.FAIL),
                Arguments.of("exact keys are ANDed", "filters: [{exact: {type: dev.knative.source.github.push, subject: dev}}]", FilterResult.FAIL),
                Arguments.of("prefix", "filters: [{prefix: {type: dev.knative.source.github.}}]", FilterResult.PASS),
                Arguments.of("prefix miss", "filters: [{prefix: {type: dev.knative.sources.gitlab.}}]", FilterResult.FAIL),
                Arguments.of("suffix", "filters: [{suffix: {source: /app}}]", FilterResult.PASS),
                Arguments.of("suffix on an extension", "filters: [{suffix: {ref: /main}}]", FilterResult.PASS),
                Arguments.of("the list is ANDed", "filters: [{prefix: {type: dev.}}, {exact: {subject: dev}}]", FilterResult.FAIL),
                Arguments.of("all", "filters: [{all: [{prefix: {type: dev.}}, {suffix: {ref: main}}]}]", FilterResult.PASS),
                Arguments.of("any with one match", "filters: [{any: [{exact: {subject: dev}}, {exact: {subject: main}}]}]", FilterResult.PASS),
                Arguments.of("any with none", "filters: [{any: [{exact: {subject: dev}}, {exact: {subject: qa}}]}]", FilterResult.FAIL),
                Arguments.of("not", "filters: [{not: {exact: {subject: dev}}}]", FilterResult.PASS),
                Arguments.of("not of a match", "filters: [{not: {exact: {subject: main}}}]", FilterResult.FAIL),
                Arguments.of("nested all/any/not", "filters: [{all: [{any: [{exact: {subject: dev}}, {not: {suffix: {ref: /dev}}}]}, {prefix: {source: 'https://github.com/'}}]}]", FilterResult.PASS),
                Arguments.of("cesql equality", "filters: [{cesql: \"type = 'dev.knative.source.github.push'\"}]", FilterResult.PASS),
                Arguments.of("cesql LIKE", "filters: [{cesql: \"source LIKE 'https://github.com/%'\"}]", FilterResult.PASS),
                Arguments.of("cesql function", "filters: [{cesql: \"UPPER(subject) = 'MAIN'\"}]", FilterResult.PASS),
                Arguments.of("cesql integer extension", "filters: [{cesql: \"count > 2\"}]", FilterResult.PASS),
                Arguments.of("cesql EXISTS on a missing extension", "filters: [{cesql: \"EXISTS missing\"}]", FilterResult.FAIL),
                Arguments.of("cesql missing attribute compares false", "filters: [{cesql: \"missing = 'x'\"}]", FilterResult.FAIL),
                Arguments.of("cesql evaluation error is no match", "filters: [{cesql: \"subject + 1 = 2\"}]", FilterResult.FAIL),
                Arguments.of("cesql short-circuit OR", "filters: [{cesql: \"subject = 'main' OR (1 / 0 = 1)\"}]", FilterResult.PASS),
                Arguments.of("cesql non-boolean result is no match", "filters: [{cesql: \"subject\"}]", FilterResult.FAIL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void evaluates(String name, String spec, FilterResult expected) {
        FieldErrors errors = new FieldErrors();
        EventFilter filter = TriggerFilters.compile(trigger(spec).getSpec(), errors);
        assertThat(errors.list()).isEmpty();
        assertThat(filter.evaluate(EVENT)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("two dialects in one object", "filters: [{exact: {type: a}, suffix: {type: b}}]", "spec.filters[0]",
                        "multiple dialects found (exact, suffix); use one per filter and combine with all or any"),
                Arguments.of("no dialect", "filters: [{}]", "spec.filters[0]",
                        "a filter must set exactly one of exact, prefix, suffix, all, any, not, cesql"),
                Arguments.of("empty exact value", "filters: [{exact: {type: ''}}]", "spec.filters[0].exact.type",
                        "must not be empty; use exists-style CESQL (e.g. \"type <> ''\") to require presence"),
                Arguments.of("empty map", "filters: [{prefix: {}}]", "spec.filters[0]",
                        "a filter must set exactly one of exact, prefix, suffix, all, any, not, cesql"),
                Arguments.of("empty any", "filters: [{not: {any: []}}]", "spec.filters[0].not",
                        "a filter must set exactly one of exact, prefix, suffix, all, any, not, cesql"),
                Arguments.of("bad attribute name", "filters: [{suffix: {Type: x}}]", "spec.filters[0].suffix.Type",
                        "attribute names are lower-case letters and digits, starting with a letter"),
                Arguments.of("bad legacy attribute name", "filter: {attributes: {'my-ext': x}}", "spec.filter.attributes.my-ext",
                        "attribute names are lower-case letters and digits, starting with a letter"),
                Arguments.of("nested error path", "filters: [{all: [{exact: {type: a}}, {not: {cesql: \"type = \"}}]}]",
                        "spec.filters[0].all[1].not.cesql", "does not parse as CESQL"),
                Arguments.of("cesql that does not parse", "filters: [{cesql: \"type == 'x'\"}]", "spec.filters[0].cesql",
                        "does not parse as CESQL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reportsErrorsWithTheirPath(String name, String spec, String path, String message) {
        FieldErrors errors = new FieldErrors();
        TriggerFilters.compile(trigger(spec).getSpec(), errors);
        assertThat(errors.list()).hasSize(1);
        assertThat(errors.list().get(0).path()).isEqualTo(path);
        assertThat(errors.list().get(0).message()).startsWith(message);
    }
}
