package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.SourceException;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.local.manifests.Manifest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What local mode reads from the manifests' Secrets and ConfigMaps, as a kubelet or the controller would. */
class ManifestIndexTest {

    static final String INPUTS = """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {token: s3cret, username: ada}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: encoded}
            data: {key: aGVsbG8=}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: elsewhere, namespace: other}
            stringData: {token: not-yours}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {type: dev.kiln.greeting}
            ---
            """;

    static List<Manifest> with(String env) {
        return TestManifests.of(INPUTS + """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: fn}
                spec:
                  source: {git: {url: https://example.com/a.git}}
                  env: %s
                """.formatted(env));
    }

    static Stream<Arguments> environments() {
        return Stream.of(
                arguments("a value", "[{name: A, value: x}]", Map.of("A", "x"), null),
                arguments("no value is empty", "[{name: A}]", Map.of("A", ""), null),
                arguments("a secret's stringData", "[{name: A, valueFrom: {secretKeyRef: {name: creds, key: token}}}]", Map.of("A", "s3cret"), null),
                arguments("a secret's base64 data", "[{name: A, valueFrom: {secretKeyRef: {name: encoded, key: key}}}]", Map.of("A", "hello"), null),
                arguments("a config map key", "[{name: A, valueFrom: {configMapKeyRef: {name: settings, key: type}}}]", Map.of("A", "dev.kiln.greeting"), null),
                arguments("a missing secret", "[{name: A, valueFrom: {secretKeyRef: {name: nope, key: k}}}]", Map.of(),
                        "Function default/fn: spec.env[0].valueFrom: secret default/nope is not among the manifests"),
                arguments("a secret of another namespace", "[{name: A, valueFrom: {secretKeyRef: {name: elsewhere, key: token}}}]", Map.of(),
                        "spec.env[0].valueFrom: secret default/elsewhere is not among the manifests"),
                arguments("a missing key", "[{name: A, value: x}, {name: B, valueFrom: {secretKeyRef: {name: creds, key: nope}}}]", Map.of("A", "x"),
                        "spec.env[1].valueFrom: secret default/creds has no key nope"),
                arguments("a missing config map key", "[{name: A, valueFrom: {configMapKeyRef: {name: settings, key: nope}}}]", Map.of(),
                        "spec.env[0].valueFrom: ConfigMap default/settings with key nope is not among the manifests"));
        // The Downward API (fieldRef, resourceFieldRef) is refused by validation when the manifests load
        // (FunctionValidation, as Knative refuses it), so it never reaches the index: ManifestsTest.
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("environments")
    void resolvesTheEnvironmentAsAKubeletWould(String name, String env, Map<String, String> values, String problem) {
        List<Manifest> manifests = with(env);
        ManifestIndex.Environment resolved = new ManifestIndex(manifests).environment(TestManifests.function(manifests, "fn"), "m.yaml#4");
        assertThat(resolved.values()).isEqualTo(values);
        if (problem == null) {
            assertThat(resolved.problems()).isEmpty();
        } else {
            assertThat(resolved.problems()).singleElement().asString().startsWith("m.yaml#4 ").contains(problem);
        }
    }

    @Test
    void everyFunctionsEnvironmentOrEveryProblemAtOnce() {
        List<Manifest> fine = with("[{name: A, valueFrom: {secretKeyRef: {name: creds, key: token}}}]");
        assertThat(new ManifestIndex(fine).environments(fine)).isEqualTo(Map.of("Function default/fn", Map.of("A", "s3cret")));
        List<Manifest> broken = with("[{name: A, valueFrom: {secretKeyRef: {name: nope, key: k}}}, {name: B, valueFrom: {configMapKeyRef: {name: nope, key: k}}}]");
        assertThatThrownBy(() -> new ManifestIndex(broken).environments(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("function environments do not resolve:\n  ")
                .hasMessageContaining("spec.env[0].valueFrom: secret default/nope").hasMessageContaining("spec.env[1].valueFrom: ConfigMap default/nope");
    }

    @Test
    void gitCredentialsComeFromTheSecretTheFunctionNames() throws Exception {
        List<Manifest> manifests = TestManifests.of(INPUTS + """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: private}
                spec: {source: {git: {url: https://example.com/a.git, secretRef: {name: creds}}}}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: public}
                spec: {source: {git: {url: https://example.com/a.git}}}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: lost}
                spec: {source: {git: {url: https://example.com/a.git, secretRef: {name: elsewhere}}}}
                """);
        ManifestIndex index = new ManifestIndex(manifests);
        assertThat(index.credentials(TestManifests.function(manifests, "private"))).isEqualTo(GitCredentials.fromSecret(
                (io.fabric8.kubernetes.api.model.Secret) manifests.get(0).resource()));
        assertThat(index.credentials(TestManifests.function(manifests, "public"))).isEqualTo(GitCredentials.NONE);
        assertThatThrownBy(() -> index.credentials(TestManifests.function(manifests, "lost"))).isInstanceOfSatisfying(SourceException.class,
                e -> assertThat(e.reason()).isEqualTo(SourceException.Reason.InvalidSource))
                .hasMessageContaining("secret elsewhere (spec.source.git.secretRef) is not among the manifests of namespace default");
    }

    @Test
    void adapterSecretsAreReadFromTheSourcesNamespace() {
        ManifestIndex index = new ManifestIndex(TestManifests.of(INPUTS));
        AdapterEnvironment env = new AdapterEnvironment("github", List.of(new AdapterEnvironment.Variable("K_SINK", "http://sink", null, null),
                new AdapterEnvironment.Variable("GITHUB_SECRET", null, "creds", "token")));
        assertThat(index.adapterVariables(env, "default")).containsExactly(Map.entry("K_SINK", "http://sink"), Map.entry("GITHUB_SECRET", "s3cret"));
        assertThatThrownBy(() -> index.adapterVariables(env, "other")).hasMessageContaining("secret other/creds is not among the manifests");
    }
}
