package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln dev} as a user runs it: a process of its own, refused manifests, events sent with {@code kiln send}, SIGTERM. */
class KilnDevProcessIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static Process kiln(Path workDir, Path output, String... args) throws IOException {
        return kiln(workDir, output, java.util.Map.of(), args);
    }

    static Process kiln(Path workDir, Path output, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Kiln.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("KILN_MAVEN", ROOT.resolve("mvnw").toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void invalidManifestsStartNothingAndSayEverythingWrong(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t}
                spec: {}
                """);
        Path out = dir.resolve("out.txt");
        Process p = kiln(dir, out, "dev", ".");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(Kiln.USAGE);
        assertThat(Files.readString(out)).contains("nothing started", "bad.yaml#0 Trigger default/t: spec.broker: is required",
                "spec.subscriber: is required");
        assertThat(dir.resolve(".kiln/dev.json")).doesNotExist();
    }

    @Test
    void aTakenPortIsNamedWithWhatToDo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process p = kiln(dir, out, "dev", ".", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(Kiln.FAILED);
            assertThat(Files.readString(out)).contains("kiln dev: could not start: the eventing plane's port 127.0.0.1:"
                    + taken.getLocalPort() + " is in use, most likely by another kiln dev: stop it (Ctrl-C in its terminal), "
                    + "or pass --port with another port (--port 0 picks a free one)");
        }
        assertThat(dir.resolve(".kiln/dev.json")).doesNotExist();
    }

    @Test
    void runsAFunctionBehindADurableBrokerOnALocalKafkaAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: logger}
                spec:
                  source: {git: {url: %s, contextDir: examples/functions/logger}}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata:
                  name: default
                  annotations: {eventing.knative.dev/broker.class: Kafka}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: all}
                spec:
                  broker: default
                  subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: logger}}
                """.formatted(ROOT.toUri()));
        Path out = dir.resolve("out.txt");
        Process p = kiln(dir, out, "dev", ".", "--port", "0", "--kafka", "local");
        try {
            await().atMost(Duration.ofMinutes(4)).until(() -> Files.readString(out).contains("Function default/logger")
                    && Files.readString(out).lines().anyMatch(l -> l.startsWith("Function default/logger") && l.contains("ready")));
            String state = dir.resolve(".kiln").toString();
            assertThat(Kiln.commandLine().execute("send", "--type", "dev.kiln.test", "--data", "{\"n\":1}", "--id", "it-1", "--state", state))
                    .isEqualTo(Kiln.OK);
            Path log = dir.resolve(".kiln/logs/default.logger.log");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(log) && Files.readString(log).contains("event dev.kiln.test"));
            assertThat(Kiln.commandLine().execute("get", "functions", "--state", state)).isEqualTo(Kiln.OK);
            assertThat(Kiln.commandLine().execute("get", "nosuchkind", "--state", state)).isEqualTo(Kiln.FAILED);
            assertThat(Kiln.commandLine().execute("dlq", "replay", "--all", "--state", state)).as("nothing to replay").isEqualTo(Kiln.OK);
            assertThat(Kiln.commandLine().execute("dlq", "replay", "--state", state)).isEqualTo(Kiln.USAGE);

            assertThat(Files.readString(out)).contains("kiln dev: Kafka at");
            List<ProcessHandle> children = p.descendants().toList();
            assertThat(children).as("the logger's instance").isNotEmpty();
            p.destroy(); // SIGTERM, as Ctrl-C's shutdown
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).contains("draining and stopping");
        } finally {
            p.destroyForcibly();
        }
        assertThat(Kiln.commandLine().execute("get", "--state", dir.resolve(".kiln").toString())).as("nothing runs").isEqualTo(Kiln.NOT_RUNNING);
    }
}
