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
        assertThat(manifests.stream().filter(m -> m.resource() == greeter).findFirst().orElseThrow().workingTree())
                .as("a local path builds its working tree").isEqualTo(QUICKSTART.toAbsolutePath().resolve("../../examples/functions/greeter").normalize());
    }

    @Test
    void aLocalPathIsAWorkingTreeWithNothingToFollowPollOrAuthenticate(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("fns.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: here}
                spec: {source: {git: {url: ., contextDir: fn}}}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: history}
                spec: {source: {git: {url: "%s", revision: main}}}
                """.formatted(dir.toUri()));
        List<Manifest> manifests = Manifests.load(dir);
        assertThat(manifests.get(0).workingTree()).isEqualTo(dir.toAbsolutePath().resolve("fn"));
        assertThat(manifests.get(1).workingTree()).as("a file:// URL builds commits").isNull();

        Files.writeString(dir.resolve("fns.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: pinned}
                spec: {source: {git: {url: ../x, revision: main, pollInterval: 1m, secretRef: {name: creds}}}}
                """);
        assertThatThrownBy(() -> Manifests.load(dir)).isInstanceOfSatisfying(ManifestException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).contains("fns.yaml#0 Function default/pinned: spec.source.git.revision: a local path builds its "
                        + "working tree as it is (uncommitted changes included); for commits of a repository on this machine, use a file:// URL"))
                .anySatisfy(p -> assertThat(p).contains("spec.source.git.pollInterval: a local path").contains("watched, not polled"))
                .anySatisfy(p -> assertThat(p).contains("spec.source.git.secretRef: a local path").contains("needs no credentials")));
    }

    @Test
    void yamlInAProjectsSourcesBuildOutputAndHiddenDirectoriesIsNotAManifest(@TempDir Path dir) throws Exception {
        Path fn = Files.createDirectories(dir.resolve("fn/src/main/resources"));
        Files.writeString(dir.resolve("fn/pom.xml"), "<project/>");
        Files.writeString(fn.resolve("application.yaml"), "greeting: hello\n");
        Files.createDirectories(dir.resolve("fn/target/classes"));
        Files.writeString(dir.resolve("fn/target/classes/application.yaml"), "greeting: hello\n");
        Files.createDirectories(dir.resolve(".github/workflows"));
        Files.writeString(dir.resolve(".github/workflows/ci.yaml"), "on: push\n");
        Files.createDirectories(dir.resolve("other/src"));
        Files.writeString(dir.resolve("other/src/broker.yaml"), "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: kept}\n");
        Files.writeString(dir.resolve("fn/broker.yaml"), "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default}\n");
        assertThat(Manifests.load(dir)).extracting(m -> m.resource().getMetadata().getName())
                .as("src/ is a project's only beside a pom.xml").containsExactlyInAnyOrder("default", "kept");
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
                  env: [{name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]
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
                    .anySatisfy(p -> assertThat(p).contains("a.yaml#0 Function default/broken: spec.env[0].valueFrom.fieldRef: is not supported"))
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
    void unknownFieldsAreErrorsAtEveryDepthOfEveryKind(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("typos.yaml"), """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, lables: {a: b}}
                spec:
                  delivery: {retries: 3, backoffDelay: PT0.1S}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t}
                spec:
                  broker: default
                  filter: {atributes: {type: x}}
                  subscriber: {uri: "http://127.0.0.1:1/", reff: {}}
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: s}
                spec:
                  steps:
                    - uri: "http://127.0.0.1:1/a"
                    - uri: "http://127.0.0.1:1/b"
                      delivery: {retry: 1, backofPolicy: linear}
                ---
                apiVersion: flows.knative.dev/v1
                kind: Parallel
                metadata: {name: p}
                spec:
                  branches:
                    - subscriber: {uri: "http://127.0.0.1:1/a"}
                      filtre: {uri: "http://127.0.0.1:1/f"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: hook}
                stringdata: {token: x}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cm}
                datta: {a: b}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: f}
                spec:
                  source: {git: {url: "https://example.com/a.git", revison: main}}
                ---
                apiVersion: sources.kiln.dev/v1alpha1
                kind: CronSource
                metadata: {name: c}
                spec:
                  schedule: "* * * * *"
                  sink: {uri: "http://127.0.0.1:1/", ref: null}
                  ceOverrides: {extensions: {a: b}, extentions: {}}
                """);
        assertThatThrownBy(() -> Manifests.load(dir)).isInstanceOfSatisfying(ManifestException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#0 Broker: metadata.lables: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#0 Broker: spec.delivery.retries: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#1 Trigger: spec.filter.atributes: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#1 Trigger: spec.subscriber.reff: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#2 Sequence: spec.steps[1].delivery.backofPolicy: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#3 Parallel: spec.branches[0].filtre: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#4 Secret: stringdata: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#5 ConfigMap: datta: unknown field"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#6 Function").contains("revison"))
                .anySatisfy(p -> assertThat(p).contains("typos.yaml#7 CronSource").contains("extentions")));
    }

    @Test
    void enumsAreEnumsAnywhere(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("enums.yaml"), """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default}
                spec:
                  delivery: {backoffPolicy: exponentiel}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t}
                spec:
                  broker: default
                  subscriber: {uri: "http://127.0.0.1:1/"}
                  delivery: {backoffPolicy: Linear, format: xml}
                """);
        assertThatThrownBy(() -> Manifests.load(dir)).isInstanceOfSatisfying(ManifestException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).contains("Broker default/default").contains("backoffPolicy").contains("exponentiel"))
                .anySatisfy(p -> assertThat(p).contains("Trigger default/t").contains("backoffPolicy").contains("Linear")));
    }

    @Test
    void aMissingDirectoryIsAProblemToo(@TempDir Path dir) {
        assertThatThrownBy(() -> Manifests.load(dir.resolve("nope"))).isInstanceOf(ManifestException.class).hasMessageContaining("no such file or directory");
    }
}
