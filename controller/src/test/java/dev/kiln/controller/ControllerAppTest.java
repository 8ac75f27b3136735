package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.contract.Labels;
import dev.kiln.builder.push.PushEvents;
import dev.kiln.controller.push.PushResource;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller as it ships: the Quarkus application (its configuration, beans, the operator with every
 * reconciler, the push endpoint, health) against the fabric8 mock API server in CRUD mode.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = ControllerAppTest.Crds.class)
class ControllerAppTest {

    /** Installs Kiln's CRDs before the operator starts watching. */
    public static class Crds implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            try {
                MockCluster.installCrds(server.getClient());
                // Knative Serving is installed first, as the README says (the controller logs that it is missing otherwise).
                server.getClient().apiextensions().v1().customResourceDefinitions().resource(MockCluster.knativeServiceCrd()).create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final Path GREETER = Path.of("..", "examples", "functions", "greeter").toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static GitHttpServer git;
    static GitHttpServer.Repo repo;
    static RevCommit first;

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startGit() throws Exception {
        Path dir = Files.createTempDirectory("kiln-controller-app-git");
        Files.createDirectories(dir.resolve("public"));
        git = new GitHttpServer(dir);
        repo = git.new Repo("public/app.git");
        first = repo.commitTree("the greeter", GREETER, "greeter");
    }

    @AfterAll
    static void stopGit() throws Exception {
        repo.close();
        git.close();
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.toURI().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFunctionIsBuiltAndAPushEventRebuildsIt() throws Exception {
        KilnKinds.register(client);
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withNamespace("app").withName("greeter").build());
        f.setSpec(new FunctionSpec());
        f.getSpec().source = new FunctionSource();
        f.getSpec().source.git = new GitSource();
        f.getSpec().source.git.url = git.url("public/app.git");
        f.getSpec().source.git.contextDir = "greeter";
        client.resource(f).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.batch().v1().jobs().inNamespace("app").list().getItems().size() == 1);
        assertThat(client.batch().v1().jobs().inNamespace("app").list().getItems().get(0).getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage()).as("the configured Kaniko image").startsWith("ghcr.io/osscontainertools/kaniko@sha256:");

        RevCommit second = repo.commit("v2", "greeter/NOTES.md", "v2");
        String push = """
                {"ref":"refs/heads/main","after":"%s","repository":{"clone_url":"%s"}}""".formatted(second.name(), git.url("public/app.git"));
        HttpResponse<String> accepted = post("/events/push", "application/json", push, "ce-specversion", "1.0", "ce-id", "delivery-1",
                "ce-source", "https://github.com/kiln-dev/app", "ce-type", PushEvents.GITHUB_PUSH);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue(PushResource.REBUILT)).contains("app/greeter");
        assertThat(accepted.body()).as("a 2xx body that is not a CloudEvent is a failed delivery to Knative").isEmpty();
        assertThat(client.resources(Function.class).inNamespace("app").withName("greeter").get().getMetadata().getAnnotations())
                .containsEntry(Labels.REFRESH, second.name());
        await().atMost(Duration.ofSeconds(30)).until(() -> client.batch().v1().jobs().inNamespace("app").list().getItems().size() == 2);
    }

    @Test
    void thePushEndpointAnswersWhatItCannotUseWithoutRetries() throws Exception {
        HttpResponse<String> notAnEvent = post("/events/push", "application/json", "{\"ref\":\"refs/heads/main\"}");
        assertThat(notAnEvent.statusCode()).isEqualTo(400);
        assertThat(notAnEvent.body()).contains("not a CloudEvent");

        HttpResponse<String> other = post("/events/push", "application/cloudevents+json", """
                {"specversion":"1.0","id":"1","source":"/s","type":"dev.knative.source.github.issues","data":{}}""");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue(PushResource.IGNORED)).hasValueSatisfying(v -> assertThat(v).contains("is not a push event"));
        assertThat(other.body()).isEmpty();

        HttpResponse<String> broken = post("/events/push", "application/cloudevents+json", """
                {"specversion":"1.0","id":"2","source":"/s","type":"dev.knative.source.github.push","data":{"ref":"refs/heads/main"}}""");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("lacks the repository's URLs");
    }

    @Test
    void healthIsServed() throws Exception {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    }
}
