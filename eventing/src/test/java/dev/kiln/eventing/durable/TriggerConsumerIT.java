package dev.kiln.eventing.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.testing.kafka.KafkaBroker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A durable Trigger's consumer when its delivery fails unexpectedly: it restarts with backoff, says so, and loses nothing. */
class TriggerConsumerIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void anUnexpectedFailureRestartsTheConsumerWhichSaysSoAndDeliversEverything() throws Exception {
        KafkaBrokerConfig config = new KafkaBrokerConfig(KAFKA.bootstrapServers(), "knative-broker-restart-default", 1, (short) 1, false);
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        List<String> statuses = new CopyOnWriteArrayList<>();
        AtomicBoolean broken = new AtomicBoolean(true);
        try (EventLog log = new EventLog(KAFKA.bootstrapServers())) {
            log.prepare(config);
            TriggerConsumer[] consumer = new TriggerConsumer[1];
            consumer[0] = new TriggerConsumer(config, "kiln-trigger-restart", 4, event -> {
                if (event.getId().equals("e1") && broken.getAndSet(false)) {
                    throw new IllegalStateException("a bug on the delivery path");
                }
                delivered.add(event.getId());
                return Future.succeededFuture();
            });
            try {
                for (int i = 0; i < 3; i++) {
                    log.append(config.topic(), event("e" + i)).toCompletionStage().toCompletableFuture().get();
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    String s = consumer[0].restarting();
                    if (s != null) {
                        statuses.add(s);
                    }
                    return delivered.size() == 3;
                });
                assertThat(delivered).containsExactlyInAnyOrder("e0", "e1", "e2");
                assertThat(consumer[0].restarts()).isEqualTo(1);
                assertThat(statuses).as("what the Trigger's status said meanwhile").isNotEmpty()
                        .allSatisfy(s -> assertThat(s).contains("a bug on the delivery path").contains("starts again"));
                assertThat(consumer[0].restarting()).as("running again").isNull();
            } finally {
                consumer[0].close();
            }
        }
    }

    static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/restart")).withType("t").build();
    }
}
