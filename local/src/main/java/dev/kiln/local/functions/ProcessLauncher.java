package dev.kiln.local.functions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts a version of a function as a child JVM (its command maps the trained class archive when there is one), on a
 * free loopback port ({@code PORT}), with its output appended to its log file; ready when {@code /health/readiness}
 * answers 200, which the SDK does only after its warm-up event went through.
 */
final class ProcessLauncher implements Launcher {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private static final ScheduledExecutorService POLL = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-readiness");
        t.setDaemon(true);
        return t;
    });
    /** How often readiness is asked while an instance starts: a cold start is a few hundred milliseconds. */
    private static final long POLL_MS = 10;

    private final List<String> command;
    private final Path directory;
    private final Map<String, String> env;
    private final Path log;
    private final Duration startTimeout;
    private final Clock clock;

    ProcessLauncher(List<String> command, Path directory, Map<String, String> env, Path log, Duration startTimeout, Clock clock) {
        this.command = List.copyOf(command);
        this.directory = directory;
        this.env = Map.copyOf(env);
        this.log = log;
        this.startTimeout = startTimeout;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Instance> launch() {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("PORT", Integer.toString(port));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        Instance instance = new Instance(process, port, clock.instant());
        CompletableFuture<Instance> ready = new CompletableFuture<>();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        poll(instance, ready, deadline);
        return ready;
    }

    private void poll(Instance instance, CompletableFuture<Instance> ready, long deadline) {
        if (!instance.process().isAlive()) {
            ready.completeExceptionally(new IllegalStateException("exited with " + instance.process().exitValue() + " before it was ready (see " + log + ")"));
            return;
        }
        if (System.nanoTime() > deadline) {
            instance.process().destroyForcibly();
            ready.completeExceptionally(new IllegalStateException("not ready after " + startTimeout.toSeconds() + " s (see " + log + ")"));
            return;
        }
        HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/health/readiness"))
                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                    if (t == null && r.statusCode() == 200) {
                        instance.lastUsed = clock.instant();
                        ready.complete(instance);
                    } else {
                        POLL.schedule(() -> poll(instance, ready, deadline), POLL_MS, TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** A free port now (the function binds it a moment later; another process taking it meanwhile is a failed start). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
