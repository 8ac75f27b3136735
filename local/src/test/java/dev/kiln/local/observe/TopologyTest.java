package dev.kiln.local.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.local.manifests.Manifest;
import dev.kiln.local.manifests.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's graph from manifests alone: the quickstart's, and the edges a Parallel and plain URIs make. */
class TopologyTest {

    static List<HasMetadata> load(Path dir) throws Exception {
        return Manifests.load(dir).stream().map(Manifest::resource).toList();
    }

    static String edge(Topology.Edge e) {
        return e.from() + " -> " + e.to() + (e.label().isEmpty() ? "" : " [" + e.label() + "]") + (e.deadLetters() ? " (dead letters)" : "");
    }

    @Test
    void theQuickstartFromSourcesToFunctions() throws Exception {
        Topology t = Topology.of(load(Path.of("..", "examples", "quickstart")));
        assertThat(t.nodes()).extracting(n -> n.column() + " " + n.id()).containsExactly(
                "0 CronSource default/every-minute", "0 GitHubSource default/github",
                "1 Broker default/default",
                "2 Trigger default/hellos", "2 Trigger default/pushes-and-ticks",
                "3 Sequence default/greet-and-log",
                "4 Function default/greeter", "4 Function default/logger");
        assertThat(t.edges()).extracting(TopologyTest::edge).containsExactlyInAnyOrder(
                "Broker default/default -> Function default/logger [dead letters] (dead letters)",
                "Broker default/default -> Trigger default/hellos",
                "Trigger default/hellos -> Sequence default/greet-and-log",
                "Sequence default/greet-and-log -> Function default/greeter [step 0]",
                "Sequence default/greet-and-log -> Function default/logger [step 1]",
                "Broker default/default -> Trigger default/pushes-and-ticks",
                "Trigger default/pushes-and-ticks -> Function default/logger",
                "GitHubSource default/github -> Broker default/default [events]",
                "CronSource default/every-minute -> Broker default/default [events]");
        assertThat(t.edges()).filteredOn(e -> e.from().equals("Broker default/default") && !e.deadLetters())
                .as("a Broker's edge to a Trigger counts with that Trigger").allMatch(e -> e.counter().equals(e.to()));
        Topology.Node greeter = t.nodes().stream().filter(n -> n.id().equals("Function default/greeter")).findFirst().orElseThrow();
        Topology.Node logger = t.nodes().stream().filter(n -> n.id().equals("Function default/logger")).findFirst().orElseThrow();
        assertThat(greeter.x()).isEqualTo(logger.x());
        assertThat(logger.y()).isGreaterThan(greeter.y());
        assertThat(t.width()).isGreaterThan(logger.x() + Topology.NODE_WIDTH);
        assertThat(t.height()).isGreaterThanOrEqualTo(logger.y() + Topology.NODE_HEIGHT);
    }

    @Test
    void aParallelsBranchesAndPlainUrisAndWhatIsNotAmongTheManifests() throws Exception {
        Path dir = Files.createTempDirectory("kiln-topology");
        Files.writeString(dir.resolve("m.yaml"), """
                apiVersion: flows.knative.dev/v1
                kind: Parallel
                metadata: {name: fan}
                spec:
                  branches:
                    - filter: {uri: 'http://filter.example/'}
                      subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: worker}}
                    - subscriber: {uri: 'http://other.example/'}
                  reply: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: missing}}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: worker}
                spec:
                  source: {git: {url: 'https://example.com/w.git'}}
                """);
        Topology t = Topology.of(load(dir));
        assertThat(t.edges()).extracting(TopologyTest::edge).containsExactlyInAnyOrder(
                "Parallel default/fan -> URI http://filter.example/ [branch 0 filter]",
                "Parallel default/fan -> Function default/worker [branch 0]",
                "Parallel default/fan -> URI http://other.example/ [branch 1]");
        assertThat(t.nodes()).extracting(Topology.Node::id).as("a ref that is not among the manifests draws no box")
                .doesNotContain("Broker default/missing").contains("URI http://filter.example/", "URI http://other.example/");
    }
}
