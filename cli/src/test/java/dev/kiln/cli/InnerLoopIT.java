package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The inner loop as a user lives it: {@code kiln new hello}, no Git repository, no manifest, {@code kiln dev .}; then
 * saves of the working tree served without a restart: an edit, a compile error (the old version keeps serving, the
 * compiler's file and line in kiln dev's output and in kiln get), its fix, a pom change that brings a new
 * dependency (a full build), and edits of the manifests (the project's own {@code kiln.yaml} written, an invalid
 * edit refused with its file, document and field path, an environment changed). One {@code kiln dev} process
 * throughout; the steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InnerLoopIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SOURCE = "src/main/java/com/example/hello/Hello.java";
    static Path dir;
    static Path project;
    static Path out;
    static Process kiln;

    @BeforeAll
    static void newProjectAndKilnDev() throws Exception {
        dir = Files.createTempDirectory("kiln-inner-loop");
        assertThat(Kiln.commandLine().execute("new", "hello", "--dir", dir.toString())).isEqualTo(Kiln.OK);
        project = dir.resolve("hello");
        Files.delete(project.resolve("kiln.yaml")); // no manifest at all: the project runs as its Function
        assertThat(project.resolve(".git")).doesNotExist();
        out = dir.resolve("kiln-dev.txt");
        kiln = KilnDevProcessIT.kiln(project, out, "dev", ".", "--port", "0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (kiln != null) {
            kiln.destroy();
            if (!kiln.waitFor(60, TimeUnit.SECONDS)) {
                kiln.destroyForcibly();
            }
        }
    }

    static JsonNode function() throws Exception {
        JsonNode devJson = JSON.readTree(project.resolve(".kiln/dev.json").toFile());
        for (JsonNode row : JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(devJson.path("admin").asText() + "/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body())) {
            if (row.path("kind").asText().equals("Function")) {
                return row;
            }
        }
        throw new AssertionError("no Function");
    }

    /** @return the reply's data for a hello event sent straight to the function */
    static String hello(String message) throws Exception {
        HttpResponse<String> answer = helloEvent(message);
        return answer.statusCode() + " " + answer.body();
    }

    static HttpResponse<String> helloEvent(String message) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(function().path("url").asText()))
                .header("ce-specversion", "1.0").header("ce-id", "it-" + System.nanoTime()).header("ce-source", "/it")
                .header("ce-type", "com.example.hello").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + message + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitAnswer(String expected) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(kiln.isAlive()).as("kiln dev runs").isTrue();
            assertThat(hello("hi")).isEqualTo("200 {\"message\":\"" + expected + "\"}");
        });
    }

    static void edit(String from, String to) throws Exception {
        Path file = project.resolve(SOURCE);
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    @Order(1)
    void aNewProjectWithoutGitOrManifestServes() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> Files.exists(project.resolve(".kiln/dev.json"))
                && "True".equals(function().path("ready").asText()) && function().path("reason").isNull());
        assertThat(Files.readString(out)).contains("a function project without manifests");
        awaitAnswer("hi");
        // Through the Broker default and the Trigger to it, as kiln send does.
        assertThat(Kiln.commandLine().execute("send", "--type", "com.example.hello", "--data", "{\"message\":\"via broker\"}",
                "--state", project.resolve(".kiln").toString())).isEqualTo(Kiln.OK);
    }

    @Test
    @Order(2)
    void anUncommittedEditIsServedWithoutARestart() throws Exception {
        long pid = kiln.pid();
        String before = function().path("commit").asText();
        edit("return new Output(input.message());", "return new Output(input.message() + \"!\");");
        awaitAnswer("hi!");
        assertThat(kiln.pid()).isEqualTo(pid);
        assertThat(function().path("commit").asText()).isNotEqualTo(before).startsWith("tree-");
        // The "serving: compiled" line is logged just after the switch, so it can follow the first answer by a moment.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(out).contains("tree-2 serving: compiled"));
        assertThat(Files.readString(out)).as("started once").containsOnlyOnce(" resources from ")
                .as("compiled in kiln dev, not by Maven").contains("tree-2 serving: compiled 1 file(s)").doesNotContain("edits will be built by Maven");
    }

    @Test
    @Order(3)
    void aCompileErrorKeepsTheOldVersionServingAndSaysFileAndLine() throws Exception {
        int line = (int) Files.readString(project.resolve(SOURCE)).lines().takeWhile(l -> !l.contains("return new Output")).count() + 1;
        edit("return new Output(input.message() + \"!\");", "return new Output(input.message() + \"!!\")");
        // kiln dev runs in the project: the path is relative to it, as javac's own; the column is javac's too.
        int column = Files.readString(project.resolve(SOURCE)).lines().skip(line - 1).findFirst().orElseThrow().indexOf("!!\")") + 5;
        String where = SOURCE + ":" + line + ":" + column + ": error: ';' expected";
        await().atMost(Duration.ofMinutes(1)).until(() -> "CompileFailed".equals(function().path("reason").asText()));
        assertThat(function().path("message").asText()).contains(where).contains("still serving tree-");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(out).contains(where));
        assertThat(hello("hi")).as("the old version serves").isEqualTo("200 {\"message\":\"hi!\"}");
        Path get = dir.resolve("get.txt");
        Process p = KilnDevProcessIT.kiln(project, get, "get", "functions");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(get)).contains("CompileFailed", where);
    }

    @Test
    @Order(4)
    void theFixIsServed() throws Exception {
        edit("return new Output(input.message() + \"!!\")", "return new Output(input.message() + \"!!\");");
        awaitAnswer("hi!!");
        assertThat(function().path("reason").isNull()).isTrue();
    }

    @Test
    @Order(5)
    void aPomChangeIsAFullBuildThatBringsItsDependency() throws Exception {
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("  <dependencies>\n", """
                  <dependencies>
                    <dependency>
                      <groupId>org.slf4j</groupId>
                      <artifactId>slf4j-api</artifactId>
                      <version>2.0.17</version>
                    </dependency>
                """));
        edit("return new Output(input.message() + \"!!\");", "return new Output(input.message() + org.slf4j.Logger.class.getSimpleName());");
        awaitAnswer("hiLogger"); // the class itself, at run time: the jar is among the new version's
        assertThat(Files.readString(out)).contains("mvn package").containsOnlyOnce(" resources from ");
    }

    @Test
    @Order(6)
    void manifestEditsApplyWithoutARestartAndAnInvalidOneChangesNothing() throws Exception {
        String url = function().path("url").asText();
        String template = Files.readString(Path.of("..", "templates", "java-function", "kiln.yaml"))
                .replace("{{name}}", "hello").replace("{{eventType}}", "com.example.hello");
        Path manifest = project.resolve("kiln.yaml");
        // The manifest kiln new writes: the same Function and Broker, a Trigger that now filters on the type.
        Files.writeString(manifest, template);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("manifests reloaded: ~Trigger default/hello"));

        Files.writeString(manifest, template.replace("  broker: default\n", "  brokr: default\n"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("InvalidManifests"));
        assertThat(Files.readString(out)).contains("kiln.yaml#2 Trigger: spec.brokr: unknown field", "kiln.yaml#2 Trigger default/hello: spec.broker: is required");
        Path get = dir.resolve("get-manifests.txt");
        Process p = KilnDevProcessIT.kiln(project, get, "get");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(get)).contains("InvalidManifests", "kiln.yaml#2 Trigger: spec.brokr: unknown field");
        assertThat(hello("hi")).as("the last valid state runs").isEqualTo("200 {\"message\":\"hiLogger\"}");

        Files.writeString(manifest, template.replace("      url: .\n", "      url: .\n  env:\n    - {name: KILN_REPLY_TYPE, value: com.example.replied}\n"));
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(helloEvent("hi").headers().firstValue("ce-type")).hasValue("com.example.replied"));
        assertThat(function().path("url").asText()).as("the same activator").isEqualTo(url);
        assertThat(function().path("reason").isNull()).isTrue();
        assertThat(Files.readString(out)).containsOnlyOnce(" resources from ").contains("manifests reloaded: ~Function default/hello");
    }
}
