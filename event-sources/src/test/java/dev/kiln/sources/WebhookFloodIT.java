package dev.kiln.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.sources.github.GitHubSignature;
import dev.kiln.testing.http.WebhookFlood;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flood of issue 20, against the GitHub adapter as its container runs it (its own JVM, a 64 MiB heap: what a
 * 256Mi container gives a JVM by default): rounds of concurrent unsigned 24 MiB POSTs, then the same with a
 * signature that matches nothing (with a Content-Length, and chunked). Signed pushes are sent all along, and one
 * after. Every signed push must be delivered to the sink, and every flooding request refused with a 4xx (or cut off
 * by a closed connection), never answered 2xx or 5xx. No timing is asserted: the client waits up to two minutes.
 */
class WebhookFloodIT {

    static final String SECRET = "flood-secret";
    static final long MIB = 1 << 20;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static RecordingSink sink;
    static Process adapter;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        sink = new RecordingSink();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "github");
        pb.environment().putAll(java.util.Map.of("K_SINK", sink.url(), "HOST", "127.0.0.1", "PORT", "0", "NAME", "flooded",
                "GITHUB_SECRET_TOKEN", SECRET));
        pb.redirectErrorStream(true);
        adapter = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(adapter.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> listening = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("[adapter] " + line);
                    if (line.contains("listening on port ")) {
                        int p = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
                        Thread drain = new Thread(() -> out.lines().forEach(l -> System.out.println("[adapter] " + l)));
                        drain.setDaemon(true);
                        drain.start();
                        return p;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the adapter exited before listening");
        });
        port = listening.get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (adapter != null) {
            adapter.destroy();
            adapter.waitFor(10, TimeUnit.SECONDS);
            adapter.destroyForcibly();
        }
        sink.close();
    }

    static int signedPush(String delivery) {
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "1".repeat(40) + "\",\"repository\":{\"full_name\":\"kiln-dev/kiln\","
                + "\"html_url\":\"https://github.com/kiln-dev/kiln\"},\"compare\":\"https://github.com/kiln-dev/kiln/compare/a...b\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header(GitHubSignature.HEADER, GitHubSignature.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void signedPushesAreDeliveredThroughAFloodOfUnsignedBodies() throws Exception {
        List<Integer> signedDuring = new CopyOnWriteArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread signer = new Thread(() -> {
            for (int i = 0; flooding.get(); i++) {
                signedDuring.add(signedPush("during-" + i));
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        signer.start();
        List<Integer> refused = new ArrayList<>();
        try {
            for (int round = 0; round < 3; round++) {
                refused.addAll(WebhookFlood.round(port, WebhookFlood.Kind.UNSIGNED, 6, 24 * MIB, Duration.ofMinutes(2)));
            }
            refused.addAll(WebhookFlood.round(port, WebhookFlood.Kind.WRONG_SIGNATURE, 6, 24 * MIB, Duration.ofMinutes(2)));
            refused.addAll(WebhookFlood.round(port, WebhookFlood.Kind.WRONG_SIGNATURE, 6, 5 * MIB, Duration.ofMinutes(2)));
            refused.addAll(WebhookFlood.round(port, WebhookFlood.Kind.WRONG_SIGNATURE_CHUNKED, 6, 24 * MIB, Duration.ofMinutes(2)));
        } finally {
            flooding.set(false);
            signer.join();
        }
        int after = signedPush("after");

        assertThat(adapter.isAlive()).as("the adapter survived the flood").isTrue();
        assertThat(refused).as("every flooding request refused with a 4xx, or cut off").allMatch(s -> s == WebhookFlood.CLOSED || (s >= 400 && s < 500));
        assertThat(signedDuring).as("signed pushes during the flood").isNotEmpty().allMatch(s -> s == 202);
        assertThat(after).as("the signed push after the flood").isEqualTo(202);
        assertThat(sink.accepted).as("every signed push reached the sink").hasSize(signedDuring.size() + 1);
    }
}
