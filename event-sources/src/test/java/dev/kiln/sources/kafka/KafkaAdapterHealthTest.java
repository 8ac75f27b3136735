package dev.kiln.sources.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.sources.RunningAdapter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Kafka adapter's health follows its consumer: not ready while it has no partitions, and not live once the
 * consumer stopped for good, so Kubernetes restarts the pod instead of keeping one that reads nothing. No broker:
 * the bootstrap address refuses connections.
 */
class KafkaAdapterHealthTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aConsumerThatStoppedForGoodFailsLiveness() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RunningAdapter adapter = RunningAdapter.start("kafka", Map.of("K_SINK", "http://127.0.0.1:" + closed + "/", "HOST", "127.0.0.1",
                "PORT", "0", "NAME", "health", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closed, "KAFKA_TOPICS", "t"))) {
            assertThat(status(adapter, "/health/liveness")).isEqualTo(200);
            assertThat(status(adapter, "/health/readiness")).as("no partitions assigned").isEqualTo(503);
            // What an Error in the loop does, reproducibly: the consumer's thread ends while nobody closed it.
            Thread consumer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("kiln-kafka-source-default-health"))
                    .findFirst().orElseThrow();
            consumer.interrupt();
            consumer.join(Duration.ofSeconds(20).toMillis());
            assertThat(consumer.isAlive()).isFalse();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(status(adapter, "/health/liveness")).isEqualTo(503));
            assertThat(status(adapter, "/health/readiness")).isEqualTo(503);
        }
    }

    private int status(RunningAdapter adapter, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adapter.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
