package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln dev --kafka local} killed with {@code kill -9} while a durable Broker holds events its subscriber has
 * not taken yet, then started again on the same state directory: every event is delivered after the restart.
 */
class KilnDevCrashIT {

    @Test
    void whatADurableBrokerAcceptedSurvivesKillMinus9AndARestart(@TempDir Path dir) throws Exception {
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
        HttpServer subscriber = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        subscriber.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            String id = ex.getRequestHeaders().getFirst("ce-id");
            if (up.get()) {
                delivered.add(id);
            }
            ex.sendResponseHeaders(up.get() ? 202 : 503, -1);
            ex.close();
        });
        subscriber.start();
        Files.writeString(dir.resolve("app.yaml"), """
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
                  subscriber: {uri: "http://127.0.0.1:%d/"}
                  delivery: {retry: 10000, backoffPolicy: linear, backoffDelay: PT0.2S}
                """.formatted(subscriber.getAddress().getPort()));
        String state = dir.resolve(".kiln").toString();
        Path out1 = dir.resolve("out1.txt");
        Process first = KilnDevProcessIT.kiln(dir, out1, "dev", ".", "--port", "0", "--kafka", "local");
        Process second = null;
        try {
            awaitReady(out1);
            for (int i = 0; i < 10; i++) {
                assertThat(Kiln.commandLine().execute("send", "--type", "dev.kiln.crash", "--id", "c-" + i, "--data", "{}", "--state", state))
                        .as("accepted by the durable Broker").isEqualTo(Kiln.OK);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(delivered).as("the subscriber was down until now").isEmpty();

            up.set(true);
            Path out2 = dir.resolve("out2.txt");
            second = KilnDevProcessIT.kiln(dir, out2, "dev", ".", "--port", "0", "--kafka", "local");
            await().atMost(Duration.ofMinutes(3)).until(() -> delivered.size() == 10);
            assertThat(delivered).containsExactlyInAnyOrder("c-0", "c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7", "c-8", "c-9");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            subscriber.stop(0);
        }
    }

    static void awaitReady(Path out) {
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            String text = Files.readString(out);
            return text.lines().anyMatch(l -> l.startsWith("Broker default/default") && l.contains("ready"))
                    && text.lines().anyMatch(l -> l.startsWith("Trigger default/all") && l.contains("ready"));
        });
    }
}
