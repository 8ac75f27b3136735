package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real cluster ({@code ./mvnw verify -Pe2e -pl controller}): Knative Serving installed, Kiln installed
 * with {@code kubectl apply -k kustomize/overlays/...} and a registry the cluster can pull from. Skipped unless
 * {@code KUBECONFIG} names a file and the cluster serves Knative Services and Kiln's Functions.
 *
 * <p>{@code KILN_E2E_GIT_URL} (default: this project's repository) and {@code KILN_E2E_CONTEXT_DIR} (default
 * {@code examples/functions/greeter}) choose the function; the test deploys it, waits for Ready, and calls it.
 */
class ControllerE2E {

    static KubernetesClient client;
    static final String NS = "kiln-e2e-" + Long.toHexString(System.nanoTime() & 0xffffff);

    @BeforeAll
    static void cluster() {
        String kubeconfig = System.getenv("KUBECONFIG");
        Assumptions.assumeTrue(kubeconfig != null && Files.isRegularFile(Path.of(kubeconfig)), "no KUBECONFIG: no cluster to test against");
        client = KilnKinds.register(new KubernetesClientBuilder().build());
        Assumptions.assumeTrue(client.apiextensions().v1().customResourceDefinitions().withName("services.serving.knative.dev").get() != null,
                "Knative Serving is not installed");
        Assumptions.assumeTrue(client.apiextensions().v1().customResourceDefinitions().withName("functions.kiln.dev").get() != null,
                "Kiln is not installed (kubectl apply -k kustomize/overlays/dev)");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    static void cleanUp() {
        if (client != null) {
            client.namespaces().withName(NS).delete();
            client.close();
        }
    }

    @Test
    void aFunctionFromGitServesRequests() throws Exception {
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("greeter").build());
        f.setSpec(new FunctionSpec());
        f.getSpec().source = new FunctionSource();
        f.getSpec().source.git = new GitSource();
        f.getSpec().source.git.url = System.getenv().getOrDefault("KILN_E2E_GIT_URL", "https://github.com/kiln-dev/kiln.git");
        f.getSpec().source.git.contextDir = System.getenv().getOrDefault("KILN_E2E_CONTEXT_DIR", "examples/functions/greeter");
        client.resource(f).create();

        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            Function now = client.resources(Function.class).inNamespace(NS).withName("greeter").get();
            Condition ready = now.getStatus() == null ? null : now.getStatus().condition("Ready").orElse(null);
            assertThat(ready == null ? null : ready.reason).as("the build or the deployment failed: %s", ready == null ? null : ready.message)
                    .isNotIn("BuildFailed", "BuildTimedOut", "InvalidSpec");
            return ready != null && Condition.TRUE.equals(ready.status);
        });
        Function ready = client.resources(Function.class).inNamespace(NS).withName("greeter").get();
        assertThat(ready.getStatus().image).contains("@sha256:");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ready.getStatus().url))
                .header("ce-specversion", "1.0").header("ce-id", "e2e").header("ce-source", "/e2e").header("ce-type", "dev.kiln.greet")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Kiln\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isBetween(200, 299);
    }
}
