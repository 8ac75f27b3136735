package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.local.manifests.Manifest;
import dev.kiln.sources.send.SourceMetrics;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sources' adapters, started in process (real adapters on ports of their own) and started again when they must. */
class SourceAdaptersTest {

    static final String TICKS = """
            apiVersion: sources.kiln.dev/v1alpha1
            kind: CronSource
            metadata: {name: ticks}
            spec: {schedule: "0 3 1 1 *", sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}}
            """;
    static final String HOOKS = """
            apiVersion: sources.kiln.dev/v1alpha1
            kind: GitHubSource
            metadata: {name: hooks}
            spec:
              repositories: [acme/fns]
              eventTypes: [push]
              secretToken: {secretKeyRef: {name: hook, key: token}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
            """;
    static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata: {name: hook}
            stringData: {token: %s}
            """;
    static final String BEFORE = TICKS + "---\n" + HOOKS + "---\n" + SECRET.formatted("one");

    /** A running platform's adapters over a sink the test moves. */
    static final class Platform implements AutoCloseable {
        volatile String sink = "http://127.0.0.1:9/default/default";
        volatile ManifestIndex index;
        final SourceAdapters adapters = new SourceAdapters((destination, namespace) -> URI.create(sink), () -> index, Map.of());

        Platform(List<Manifest> manifests) {
            index = new ManifestIndex(manifests);
            adapters.start(manifests);
        }

        void reload(List<Manifest> before, List<Manifest> after) {
            index = new ManifestIndex(after);
            adapters.reload(ManifestChanges.between(before, after), after);
        }

        @Override
        public void close() {
            adapters.close();
        }
    }

    @Test
    void everySourceRunsOnAPortOfItsOwnOrSaysWhyNot() {
        try (Platform p = new Platform(TestManifests.of(TICKS + "---\n" + HOOKS))) {
            assertThat(p.adapters.state("CronSource default/ticks").port()).isPositive();
            assertThat(p.adapters.state("CronSource default/ticks").problem()).isNull();
            StatusTable.Adapter hooks = p.adapters.state("GitHubSource default/hooks");
            assertThat(hooks.port()).as("its secret is not among the manifests").isNull();
            assertThat(hooks.problem()).contains("hook");
            assertThat(p.adapters.metrics()).containsOnlyKeys("CronSource default/ticks");
        }
    }

    static Stream<Arguments> edits() {
        return Stream.of(
                arguments("nothing changed: both kept", BEFORE, null, List.of()),
                arguments("a changed spec starts again", BEFORE.replace("0 3 1 1 *", "0 4 1 1 *"), null, List.of("CronSource default/ticks")),
                arguments("a changed secret starts its reader again", TICKS + "---\n" + HOOKS + "---\n" + SECRET.formatted("two"), null,
                        List.of("GitHubSource default/hooks")),
                arguments("a sink that resolves elsewhere starts every reader again", BEFORE, "http://127.0.0.1:9/default/other",
                        List.of("CronSource default/ticks", "GitHubSource default/hooks")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void anAdapterStartsAgainWhenWhatItRunsWithChanged(String name, String after, String sink, List<String> restarted) {
        List<Manifest> before = TestManifests.of(BEFORE);
        try (Platform p = new Platform(before)) {
            Map<String, SourceMetrics> was = p.adapters.metrics();
            if (sink != null) {
                p.sink = sink;
            }
            p.reload(before, TestManifests.of(after));
            Map<String, SourceMetrics> now = p.adapters.metrics();
            assertThat(now).containsOnlyKeys(was.keySet());
            assertThat(now.keySet()).filteredOn(id -> now.get(id) != was.get(id)).containsExactlyInAnyOrderElementsOf(restarted);
        }
    }

    @Test
    void aSourceThatDidNotStartIsTriedAgainAndARemovedOneStops() {
        List<Manifest> before = TestManifests.of(TICKS + "---\n" + HOOKS);
        try (Platform p = new Platform(before)) {
            List<Manifest> fixed = TestManifests.of(HOOKS + "---\n" + SECRET.formatted("one"));
            p.reload(before, fixed);
            assertThat(p.adapters.state("GitHubSource default/hooks").port()).as("its secret is there now").isPositive();
            assertThat(p.adapters.state("CronSource default/ticks")).isEqualTo(new StatusTable.Adapter(null, null));
            assertThat(p.adapters.metrics()).containsOnlyKeys("GitHubSource default/hooks");
        }
    }
}
