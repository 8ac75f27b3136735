package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.function.fixtures.Greeter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** A real child JVM running FunctionMain: SIGTERM with a request in flight drains it, then exits 0. */
class DrainIT {

    @TempDir
    Path dir;

    /**
     * With {@code sun.misc.Signal} (the JDK's {@code jdk.unsupported} module) the handler drains and exits 0; a
     * runtime without that module (an image's hand-picked {@code jlink} list) still serves and drains, through a
     * shutdown hook, exiting as the signal does (143).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "full runtime, '', 0",
        "runtime without jdk.unsupported, '--limit-modules=java.base,jdk.httpserver,java.logging,java.management,java.net.http', 143"})
    void sigtermDrainsInFlightRequestsAndExits(String name, String jvmOption, int exitCode) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("function.log");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!jvmOption.isEmpty()) {
            command.add(jvmOption);
        }
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "dev.kiln.function.runtime.FunctionMain"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("KILN_HOST", "127.0.0.1");
        pb.environment().put("KILN_FUNCTION", Greeter.class.getName());
        Process process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> get(http, base.resolve("/health/readiness")) == 200);

            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(base.resolve("/"))
                    .header("ce-specversion", "1.0").header("ce-id", "slow").header("ce-source", "/t")
                    .header("ce-type", "dev.kiln.hello").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"sleep2000\"}")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> metric(http, base).contains("kiln_function_in_flight_requests 1"));

            Runtime.getRuntime().exec(new String[] {"kill", "-TERM", String.valueOf(process.pid())}).waitFor();
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> get(http, base.resolve("/health/readiness")) == 503);

            HttpResponse<String> answered = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.body()).contains("Hello, sleep2000");
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(log)).isEqualTo(exitCode);
            assertThat(Files.readString(log)).contains("drained; exiting");
        } finally {
            process.destroyForcibly();
        }
    }

    private static int get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String metric(HttpClient http, URI base) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
