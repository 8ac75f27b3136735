package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
    static final String SECRET = "it-s3cret";

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
        try (GitHttpServer.Repo secret = git.new Repo("private/functions.git")) {
            secret.commitTree("the logger, privately", ROOT.resolve("examples/functions/logger"), "logger");
        }
        Files.writeString(dir.resolve("scenario.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: greeter}
                spec:
                  source: {git: {url: %1$s, contextDir: greeter}}
                  scale: {retention: 2s}
                  env: [{name: KILN_REPLY_TYPE, valueFrom: {configMapKeyRef: {name: greeter-settings, key: reply-type}}}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: greeter-settings}
                data: {reply-type: dev.kiln.greeting}
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
                  reply: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: direct}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.direct}}]
                  subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: pushes}
                spec:
                  broker: default
                  filters: [{cesql: "type = 'dev.knative.source.github.push' AND ref = 'refs/heads/main'"}]
                  subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}}
                ---
                apiVersion: sources.kiln.dev/v1alpha1
                kind: GitHubSource
                metadata: {name: github}
                spec:
                  repositories: [kiln/functions]
                  eventTypes: [push]
                  secretToken: {secretKeyRef: {name: hook, key: token}}
                  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: log-only}
                spec:
                  steps:
                    - ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}
                ---
                apiVersion: sources.kiln.dev/v1alpha1
                kind: CronSource
                metadata: {name: ticks}
                spec:
                  schedule: "*/2 * * * * *"
                  sink: {ref: {apiVersion: flows.knative.dev/v1, kind: Sequence, name: log-only}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: plain}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: plain-direct}
                spec:
                  broker: plain
                  filters: [{exact: {type: dev.kiln.direct}}]
                  delivery: {retry: 0}
                  subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: hook}
                stringData: {token: %2$s}
                ---
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: private-logger}
                spec:
                  source: {git: {url: %3$s, contextDir: logger, secretRef: {name: git-basic-auth}}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: git-basic-auth}
                stringData: {username: %4$s, password: %5$s}
                """.formatted(url, SECRET, git.url("private/functions.git"), GitHttpServer.USER, GitHttpServer.PASSWORD));
        platform = DevPlatform.start(new DevPlatform.Options(dir.resolve(".kiln"), 0, 0, null, JavaRuntime.current(),
                new MavenCommand(java.util.List.of(ROOT.resolve("mvnw").toString())), dir.resolve("m2")), Manifests.load(dir));
        // The private one is fetched with the basic-auth Secret from the manifests.
        await().atMost(BUILD).until(() -> fn("greeter").status().commit() != null && fn("logger").status().commit() != null
                && fn("private-logger").status().commit() != null);
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
    void anEventGoesThroughTheSequenceFromZeroInstancesAndItsReplyLandsInTheSink() throws Exception {
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
        // GitHub's delivery, signed as GitHub signs it: the adapter checks it, the Broker routes the push to the
        // logger (the manifests' Trigger) and to kiln dev itself, which rebuilds the greeter tracking main.
        String payload = """
                {"ref":"refs/heads/main","after":"%s","deleted":false,
                 "repository":{"full_name":"kiln/functions","html_url":"https://github.com/kiln/functions","clone_url":"%s"}}"""
                .formatted(howdy.name(), git.url("public/functions.git"));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String webhook = platform.states().stream().filter(r -> "GitHubSource".equals(r.get("kind"))).map(r -> (String) r.get("url"))
                .findFirst().orElseThrow();
        HttpResponse<String> delivered = HTTP.send(HttpRequest.newBuilder(URI.create(webhook)).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", signature).POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> loggerLog().contains("event dev.knative.source.github.push"));
        await().atMost(BUILD).until(() -> howdy.name().equals(fn("greeter").status().commit()));
        assertThat(loggerLog().lines().filter(l -> l.startsWith("event dev.knative.source.github.push")))
                .as("no delivery of the push failed (kiln dev's own push Trigger included), so none was dead-lettered")
                .noneMatch(l -> l.contains("knativeerrorcode"));
        assertThat(send("dev.kiln.hello", "{\"name\":\"Cy\"}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> loggerLog().contains("Howdy, Cy!"));
    }

    @Test
    @Order(5)
    void aBrokerWithoutADeadLetterSinkKeepsWhatFailedForKilnDlq() throws Exception {
        int status = HTTP.send(HttpRequest.newBuilder(URI.create(platform.plane().baseUrl() + "/default/plain"))
                .header("ce-specversion", "1.0").header("ce-id", "lost-1").header("ce-source", "/it").header("ce-type", "dev.kiln.direct")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> platform.deadLetters().list().size() == 1);
        DeadLetterStore.Letter letter = platform.deadLetters().list().get(0);
        assertThat(letter.broker()).isEqualTo("default/plain");
        assertThat(letter.event().getId()).isEqualTo("lost-1");
        assertThat(letter.event().getExtension("knativeerrorcode")).hasToString("404");

        // kiln dlq replay sends it to its Broker again; the greeter still refuses it, so it comes back as a new letter.
        DeadLetterStore.Replay replay = platform.deadLetters().replay(letter, platform.plane().baseUrl());
        assertThat(replay.accepted()).as(replay.body()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> platform.deadLetters().list().size() == 1
                && !platform.deadLetters().list().get(0).id().equals(letter.id()));
        assertThat(platform.deadLetters().get(letter.id())).as("the replayed one is gone").isNull();
    }

    @Test
    @Order(6)
    void aCommitThatDoesNotBuildLeavesTheRunningVersionServingAndSaysWhy() throws Exception {
        String serving = fn("greeter").status().commit();
        repo.commit("does not compile", "greeter/src/main/java/dev/kiln/examples/greeter/Broken.java", "class Broken { oops }");
        fn("greeter").refresh().get();
        LocalFunction.Status status = fn("greeter").status();
        assertThat(status.reason()).isEqualTo("BuildFailed");
        assertThat(status.message()).contains("still serving " + serving.substring(0, 12));
        assertThat(status.commit()).isEqualTo(serving);
        assertThat(send("dev.kiln.hello", "{\"name\":\"Di\"}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> loggerLog().contains("Howdy, Di!"));
    }

    @Test
    @Order(7)
    void aSourceSendsToASequence() {
        await().atMost(Duration.ofSeconds(30)).until(() -> loggerLog().contains("event dev.knative.sources.ping from /apis/v1/namespaces/default/cronsources/ticks"));
    }

    @Test
    @Order(8)
    void anEnvironmentThatDoesNotResolveStopsTheStartAndNamesEveryReference() throws Exception {
        Path other = Files.createTempDirectory("kiln-local-it-env");
        Files.writeString(other.resolve("fn.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: needy}
                spec:
                  source: {git: {url: %s, contextDir: logger}}
                  env:
                    - {name: A, valueFrom: {secretKeyRef: {name: missing, key: k}}}
                    - {name: B, valueFrom: {configMapKeyRef: {name: missing, key: k}}}
                """.formatted(git.url("public/functions.git")));
        assertThatThrownBy(() -> DevPlatform.start(new DevPlatform.Options(other.resolve(".kiln"), 0, 0, null, JavaRuntime.current(), null, other.resolve("m2")),
                Manifests.load(other)))
                .hasMessageContaining("Function default/needy: spec.env[0].valueFrom: secret default/missing is not among the manifests")
                .hasMessageContaining("spec.env[1].valueFrom: ConfigMap default/missing with key k is not among the manifests");
    }

    @Test
    @Order(9)
    void anEditOfTheManifestsAppliesItsDifferenceWithoutARestart() throws Exception {
        String greeterUrl = fn("greeter").url();
        String before = Files.readString(dir.resolve("scenario.yaml"));
        java.util.List<String> kept = java.util.Arrays.stream(before.split("\n---\n"))
                .filter(doc -> java.util.stream.Stream.of("name: ticks", "name: log-only", "name: private-logger", "name: git-basic-auth")
                        .noneMatch(doc::contains))
                .toList();
        String edited = String.join("\n---\n", kept).replace("reply-type: dev.kiln.greeting}", "reply-type: dev.kiln.greeting.v2}");

        // An environment that does not resolve changes nothing.
        Files.writeString(dir.resolve("scenario.yaml"), edited.replace("key: reply-type}", "key: no-such-key}"));
        assertThatThrownBy(() -> platform.reload(Manifests.load(dir))).hasMessageContaining("spec.env[0].valueFrom: ConfigMap default/greeter-settings");
        assertThat(platform.functions()).containsKey("default/private-logger");

        Files.writeString(dir.resolve("scenario.yaml"), edited);
        ManifestChanges changes = platform.reload(Manifests.load(dir));
        assertThat(changes.summary()).isEqualTo("~ConfigMap default/greeter-settings, -Sequence default/log-only, -CronSource default/ticks, "
                + "-Function default/private-logger, -Secret default/git-basic-auth");
        assertThat(platform.functions()).doesNotContainKey("default/private-logger");
        assertThat(platform.states()).extracting(r -> r.get("name")).doesNotContain("ticks", "log-only", "private-logger");
        // The greeter keeps its activator: Triggers and Sequences that resolved it still reach it.
        assertThat(fn("greeter").url()).isEqualTo(greeterUrl);
        // Its environment read the ConfigMap: the serving build starts again with the new value.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(send("dev.kiln.hello", "{\"name\":\"Ed\"}")).isEqualTo(202);
            assertThat(loggerLog()).contains("event dev.kiln.greeting.v2");
        });
        assertThat(platform.reload(Manifests.load(dir)).isEmpty()).as("the same manifests again").isTrue();
    }
}
