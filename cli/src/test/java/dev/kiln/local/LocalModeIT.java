package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.builder.host.MavenCommand;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.manifests.Manifests;
import dev.kiln.testing.git.GitHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Local mode end to end with real parts: the greeter and the logger host-built with Kiln's Maven wrapper from a
 * repository served by JGit over HTTP, run as child JVMs behind activators, events through a Broker, a Trigger,
 * a Sequence and a dead-letter sink on the eventing plane. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalModeIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Duration BUILD = Duration.ofMinutes(4);

    static GitHttpServer git;
    static GitHttpServer.Repo repo;
    static DevPlatform platform;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kiln-local-it");
        Files.createDirectories(dir.resolve("served/public"));
        git = new GitHttpServer(dir.resolve("served"));
        repo = git.new Repo("public/functions.git");
        repo.commitTree("the greeter", ROOT.resolve("examples/functions/greeter"), "greeter");
        repo.commitTree("the logger", ROOT.resolve("examples/functions/logger"), "logger");
        String url = git.url("public/functions.git");
        Files.writeString(dir.resolve("scenario.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: greeter}
                spec:
                  source: {git: {url: %1$s, contextDir: greeter}}
                  scale: {retention: 2s}
                  env: [{name: KILN_REPLY_TYPE, value: dev.kiln.greeting}]
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: logger}
                spec:
                  source: {git: {url: %1$s, contextDir: logger}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default}
                spec:
                  delivery:
                    retry: 1
                    backoffDelay: PT0.1S
                    deadLetterSink: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: hellos}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.hello}}]
                  subscriber: {ref: {apiVersion: flows.knative.dev/v1, kind: Sequence, name: greet-and-log}}
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: greet-and-log}
                spec:
                  steps:
                    - ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}
                    - ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: direct}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.direct}}]
                  subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}}
                """.formatted(url));
        platform = DevPlatform.start(new DevPlatform.Options(dir.resolve(".kiln"), 0, 0, null, JavaRuntime.current(),
                new MavenCommand(java.util.List.of(ROOT.resolve("mvnw").toString()))), Manifests.load(dir));
        await().atMost(BUILD).until(() -> fn("greeter").status().commit() != null && fn("logger").status().commit() != null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        repo.close();
        git.close();
    }

    static LocalFunction fn(String name) {
        return platform.functions().get("default/" + name);
    }

    static int send(String type, String data) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(platform.plane().baseUrl() + "/default/default"))
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString()).header("ce-source", "/it")
                .header("ce-type", type).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(data)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String loggerLog() throws Exception {
        Path log = fn("logger").instanceLog();
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    @Order(1)
    void anEventGoesThroughTheSequenceFromZeroInstances() throws Exception {
        assertThat(fn("greeter").status().instances()).as("nothing runs before the first event").isZero();
        assertThat(send("dev.kiln.hello", "{\"name\":\"Ada\"}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> loggerLog().contains("{\"message\":\"Hello, Ada!\",\"language\":\"en\"}"));
        assertThat(loggerLog()).contains("event dev.kiln.greeting from /functions/greeter");
    }

    @Test
    @Order(2)
    void aRejectedEventLandsInTheDeadLetterSinkWithTheErrorExtensions() throws Exception {
        assertThat(send("dev.kiln.direct", "{}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> loggerLog().contains("event dev.kiln.direct"));
        String line = loggerLog().lines().filter(l -> l.contains("event dev.kiln.direct")).findFirst().orElseThrow();
        assertThat(line).contains("knativeerrorcode=404").contains("knativeerrordest=http://127.0.0.1:");
    }

    @Test
    @Order(3)
    void anIdleFunctionScalesToZeroAndBackOnTheNextEvent() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fn("greeter").status().instances() == 0);
        assertThat(send("dev.kiln.hello", "{\"name\":\"Bo\"}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> loggerLog().contains("Hello, Bo!"));
    }

    @Test
    @Order(4)
    void aNewCommitIsBuiltBesideTheRunningVersionAndThenServes() throws Exception {
        Path source = repo.workTree().resolve("greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java");
        RevCommit howdy = repo.commit("say howdy", "greeter/src/main/java/dev/kiln/examples/greeter/Greeter.java",
                Files.readString(source).replace("\"en\", \"Hello\"", "\"en\", \"Howdy\""));
        fn("greeter").refresh().get();
        assertThat(fn("greeter").status().commit()).isEqualTo(howdy.name());
        assertThat(send("dev.kiln.hello", "{\"name\":\"Cy\"}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> loggerLog().contains("Howdy, Cy!"));
    }
}
