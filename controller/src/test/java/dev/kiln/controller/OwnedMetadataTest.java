package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one rule for labels and annotations of the objects Kiln owns, as tables of what the cluster holds and what Kiln wants. */
class OwnedMetadataTest {

    static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    /** What Kiln wrote before the record: {@code max-scale} on the template. */
    static final Map<String, Set<String>> UNRECORDED = OwnedMetadata.keys(Set.of(), Set.of(), Set.of(),
            Set.of("max-scale"));
    static final Function<Deployment, ObjectMeta> TEMPLATE = d -> d.getSpec().getTemplate().getMetadata();

    /** A Deployment with these labels and annotations, on itself and on its pod template. */
    static Deployment object(Map<String, String> labels, Map<String, String> annotations, Map<String, String> templateLabels,
            Map<String, String> templateAnnotations) {
        return new DeploymentBuilder().withNewMetadata().withName("a").withLabels(new LinkedHashMap<>(labels))
                .withAnnotations(new LinkedHashMap<>(annotations)).endMetadata()
                .withNewSpec().withNewTemplate().withNewMetadata().withLabels(new LinkedHashMap<>(templateLabels))
                .withAnnotations(new LinkedHashMap<>(templateAnnotations)).endMetadata().endTemplate().endSpec().build();
    }

    /** What Kiln wrote last time: {@code desired}, created, then changed by {@code others}. */
    static Deployment written(Deployment desired, java.util.function.Consumer<Deployment> others) {
        Deployment created = OwnedMetadata.writeOver(null, desired, TEMPLATE, Map.of());
        others.accept(created);
        return created;
    }

    static Deployment kilns() {
        return object(Map.of("managed-by", "kiln", "source", "orders"), Map.of(), Map.of("source", "orders"), Map.of("kiln.dev/commit", "1"));
    }

    static Stream<Arguments> writeOver() {
        return Stream.of(
                row("others' labels and annotations stay, on the object and its template",
                        written(kilns(), d -> {
                            d.getMetadata().getLabels().put("cost-center", "42");
                            d.getMetadata().getAnnotations().put("note", "x");
                            TEMPLATE.apply(d).getAnnotations().put("autoscaling.knative.dev/class", "hpa");
                            TEMPLATE.apply(d).getLabels().put("team", "web");
                        }), kilns(),
                        object(Map.of("managed-by", "kiln", "source", "orders", "cost-center", "42"), Map.of("note", "x"),
                                Map.of("source", "orders", "team", "web"), Map.of("kiln.dev/commit", "1", "autoscaling.knative.dev/class", "hpa"))),
                row("Kiln's keys someone removed are restored",
                        written(kilns(), d -> {
                            d.getMetadata().getLabels().remove("source");
                            TEMPLATE.apply(d).getAnnotations().clear();
                        }), kilns(), kilns()),
                row("Kiln's value wins over another someone set",
                        written(kilns(), d -> TEMPLATE.apply(d).getAnnotations().put("kiln.dev/commit", "theirs")), kilns(), kilns()),
                row("a key Kiln set last time and no longer sets goes; others' stay",
                        written(object(Map.of("managed-by", "kiln", "old", "1"), Map.of(), Map.of(), Map.of("max-scale", "5")), d -> {
                            d.getMetadata().getLabels().put("cost-center", "42");
                            TEMPLATE.apply(d).getAnnotations().put("class", "hpa");
                        }),
                        object(Map.of("managed-by", "kiln"), Map.of(), Map.of(), Map.of()),
                        object(Map.of("managed-by", "kiln", "cost-center", "42"), Map.of(), Map.of(), Map.of("class", "hpa"))),
                row("an object written before the record: the keys Kiln wrote then that it no longer sets go, others' stay",
                        object(Map.of("managed-by", "someone", "old", "1"), Map.of(), Map.of(), Map.of("max-scale", "5", "class", "hpa")),
                        object(Map.of("managed-by", "kiln"), Map.of(), Map.of(), Map.of()),
                        object(Map.of("managed-by", "kiln", "old", "1"), Map.of(), Map.of(), Map.of("class", "hpa"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void writeOver(Deployment existing, Deployment desired, Deployment expected) {
        Deployment pure = SERIALIZATION.clone(desired);
        Deployment written = OwnedMetadata.writeOver(existing, desired, TEMPLATE, UNRECORDED);
        assertThat(written).as("the object in the cluster, updated").isSameAs(existing);
        assertThat(written.getMetadata().getLabels()).isEqualTo(expected.getMetadata().getLabels());
        Map<String, String> annotations = new LinkedHashMap<>(written.getMetadata().getAnnotations());
        assertThat(annotations.remove(OwnedMetadata.OWNED_KEYS)).as("the record of Kiln's keys").isNotNull();
        assertThat(annotations).isEqualTo(expected.getMetadata().getAnnotations());
        assertThat(TEMPLATE.apply(desired).getLabels()).as("the template Kiln then writes").isEqualTo(TEMPLATE.apply(expected).getLabels());
        assertThat(TEMPLATE.apply(desired).getAnnotations()).isEqualTo(TEMPLATE.apply(expected).getAnnotations());
        written.setSpec(desired.getSpec());
        assertThat(OwnedMetadata.holds(written, pure, TEMPLATE, UNRECORDED)).as("holds once written").isTrue();
    }

    static Stream<Arguments> holds() {
        return Stream.of(
                Arguments.of(Named.of("as written", written(kilns(), d -> { })), true),
                Arguments.of(Named.of("others' label and template annotation: no reason to write", written(kilns(), d -> {
                    d.getMetadata().getLabels().put("cost-center", "42");
                    TEMPLATE.apply(d).getAnnotations().put("restartedAt", "now");
                })), true),
                Arguments.of(Named.of("Kiln's label removed", written(kilns(), d -> d.getMetadata().getLabels().remove("source"))), false),
                Arguments.of(Named.of("Kiln's template annotation changed", written(kilns(), d -> TEMPLATE.apply(d).getAnnotations().put("kiln.dev/commit", "2"))),
                        false),
                Arguments.of(Named.of("a key Kiln set last time and no longer sets", written(object(Map.of("managed-by", "kiln", "source", "orders", "old", "1"),
                        Map.of(), Map.of("source", "orders"), Map.of("kiln.dev/commit", "1")), d -> { })), false),
                Arguments.of(Named.of("written before the record, labels equal", kilns()), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void holds(Deployment existing, boolean holds) {
        assertThat(OwnedMetadata.holds(existing, kilns(), TEMPLATE, UNRECORDED)).isEqualTo(holds);
    }

    @Test
    void aCreateRecordsKilnsKeysAndChangesNothingElse() {
        Deployment created = OwnedMetadata.writeOver(null, kilns(), TEMPLATE, UNRECORDED);
        assertThat(created.getMetadata().getLabels()).isEqualTo(kilns().getMetadata().getLabels());
        assertThat(created.getMetadata().getAnnotations()).containsOnlyKeys(OwnedMetadata.OWNED_KEYS);
        assertThat(created.getMetadata().getAnnotations().get(OwnedMetadata.OWNED_KEYS))
                .isEqualTo("{\"annotations\":[],\"labels\":[\"managed-by\",\"source\"],\"template.annotations\":[\"kiln.dev/commit\"],"
                        + "\"template.labels\":[\"source\"]}");
    }

    private static Arguments row(String name, Deployment existing, Deployment desired, Deployment expected) {
        return Arguments.of(Named.of(name, existing), desired, expected);
    }
}
