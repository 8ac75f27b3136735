package dev.kiln.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** What the consumer's state says when it cannot consume, without a broker: the failures come before one is needed. */
class AtLeastOnceConsumerTest {

    /** Takes nothing (no broker answers); optionally throws from the restart listener. */
    private record Handler(Error onRestart) implements AtLeastOnceConsumer.Handler<String, String> {
        @Override
        public void accept(ConsumerRecord<String, String> record, Runnable finished) {
            finished.run();
        }

        @Override
        public void restarting(RuntimeException cause, int attempt, Duration backoff) {
            if (onRestart != null) {
                throw onRestart;
            }
        }
    }

    private static AtLeastOnceConsumer<String, String> consumer(Handler handler) {
        // Not host:port: the Kafka client refuses it in its constructor, before any network.
        return new AtLeastOnceConsumer<>("unbuildable", Map.of("bootstrap.servers", "not-a-host-and-port", "group.id", "g"),
                new StringDeserializer(), new StringDeserializer(), List.of("t"), 10, handler);
    }

    @Test
    void aConsumerThatCannotBeCreatedIsAFailureThatRestartsNotADeadLoop() throws Exception {
        try (AtLeastOnceConsumer<String, String> consumer = consumer(new Handler(null))) {
            await(() -> consumer.failure() != null);
            assertThat(consumer.restarting()).isTrue();
            assertThat(consumer.stopped()).isFalse();
        }
    }

    @Test
    void anErrorStopsTheLoopForGoodAndSaysSo() throws Exception {
        AtLeastOnceConsumer<String, String> consumer = consumer(new Handler(new AssertionError("a listener's bug")));
        try {
            await(consumer::stopped);
        } finally {
            consumer.close();
        }
        assertThat(consumer.stopped()).as("closed: not stopped by itself").isFalse();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(until);
            Thread.sleep(10);
        }
    }
}
