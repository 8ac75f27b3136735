package dev.kiln.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.functions.v1alpha1.Function;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests as kiln dev reads them: all of them, strictly, every problem at once, before anything starts. */
class ManifestsTest {

    static final Path QUICKSTART = Path.of("..", "examples", "quickstart");

    @Test
    void theQuickstartLoadsCleanlyWithItsRepositoryPathMadeAUrl() throws Exception {
        List<Manifest> manifests = Manifests.load(QUICKSTART);
        assertThat(manifests).extracting(m -> m.resource().getKind()).contains("Function", "Broker", "Trigger", "Sequence", "GitHubSource",
                "CronSource", "Secret");
        Function greeter = manifests.stream().map(Manifest::resource).filter(Function.class::isInstance).map(Function.class::cast)
                .filter(f -> f.getMetadata().getName().equals("greeter")).findFirst().orElseThrow();
        assertThat(greeter.getSpec().source.git.url).isEqualTo(QUICKSTART.toAbsolutePath().resolve("../..").normalize().toUri().toString());
        assertThat(greeter.getMetadata().getNamespace()).isEqualTo("default");
    }

    @Test
    void everyProblemIsReportedWithFileDocumentAndPath(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: broken}
                spec:
                  source: {git: {url: ""}}
                  timeoutSeconds: -1
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t}
                spec:
                  filters: [{cesql: "type = "}]
                """);
        Files.writeString(dir.resolve("b.yml"), """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default}
                spce: {}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: broken}
                spec: {source: {git: {url: "https://example.com/a.git"}}}
                """);
        assertThatThrownBy(() -> Manifests.load(dir)).isInstanceOfSatisfying(ManifestException.class, e -> {
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("a.yaml#0 Function default/broken: spec.source.git.url"))
                    .anySatisfy(p -> assertThat(p).contains("a.yaml#0 Function default/broken: spec.timeoutSeconds"))
                    .anySatisfy(p -> assertThat(p).contains("a.yaml#1 Trigger default/t: spec.broker"))
                    .anySatisfy(p -> assertThat(p).contains("a.yaml#1 Trigger default/t: spec.subscriber"))
                    .anySatisfy(p -> assertThat(p).contains("a.yaml#1 Trigger default/t: spec.filters[0].cesql"))
                    .anySatisfy(p -> assertThat(p).contains("b.yml#0 Broker").contains("spce"))
                    .anySatisfy(p -> assertThat(p).contains("b.yml#1: kind apps/v1/Deployment is not one kiln dev runs"))
                    .anySatisfy(p -> assertThat(p).contains("b.yml#2 Function default/broken: also defined at").contains("a.yaml#0"));
            assertThat(e.getMessage()).startsWith(e.problems().size() + " problems in the manifests:");
        });
    }

    @Test
    void aMissingDirectoryIsAProblemToo(@TempDir Path dir) {
        assertThatThrownBy(() -> Manifests.load(dir.resolve("nope"))).isInstanceOf(ManifestException.class).hasMessageContaining("no such file or directory");
    }
}
