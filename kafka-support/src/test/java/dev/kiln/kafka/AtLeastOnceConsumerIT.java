package dev.kiln.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The consumer loop against a real broker: when something in it fails, when it is saturated, when it closes. */
class AtLeastOnceConsumerIT {

    @Test
    void anUnexpectedErrorRestartsTheLoopWithBackoffAndLosesNothing() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("restarts", "k", "v" + i)).get();
            }
            Set<String> done = ConcurrentHashMap.newKeySet();
            AtomicBoolean broken = new AtomicBoolean(true);
            List<String> told = new CopyOnWriteArrayList<>();
            AtLeastOnceConsumer.Handler<String, String> handler = new AtLeastOnceConsumer.Handler<>() {
                @Override
                public void accept(ConsumerRecord<String, String> record, Runnable finished) {
                    if (record.value().equals("v2") && broken.getAndSet(false)) {
                        throw new IllegalStateException("a bug in the handler"); // once
                    }
                    done.add(record.value());
                    finished.run();
                }

                @Override
                public void restarting(RuntimeException cause, int attempt, Duration backoff) {
                    told.add(cause.getMessage() + " #" + attempt + " " + backoff);
                }
            };
            AtLeastOnceConsumer<String, String> consumer = new AtLeastOnceConsumer<>("restarts", Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "restarts", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer(), List.of("restarts"),
                    10, handler);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (done.size() < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(done).as("every record, the one that failed included").containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4");
                assertThat(consumer.restarts()).isEqualTo(1);
                assertThat(consumer.failure()).hasMessage("a bug in the handler");
                assertThat(consumer.restarting()).isFalse();
                assertThat(told).containsExactly("a bug in the handler #1 PT1S");
            } finally {
                consumer.close();
            }
        }
    }

    @Test
    void aSaturatedConsumerTakesTheNextRecordAsSoonAsOneIsFinalNotAfterThePollTimeout() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>("saturated", "k", "v" + i)).get();
            }
            List<String> done = new CopyOnWriteArrayList<>();
            // One record at a time, each finished from another thread (as a delivery's outcome arrives on an event loop).
            AtLeastOnceConsumer.Handler<String, String> handler = (record, finished) -> new Thread(() -> {
                done.add(record.value());
                finished.run();
            }).start();
            // A poll timeout far longer than the test waits: before the fix, each record after the first waited for it,
            // since a poll of paused partitions returns nothing until its timeout.
            AtLeastOnceConsumer<String, String> consumer = new AtLeastOnceConsumer<>("saturated", Map.of("bootstrap.servers",
                    kafka.bootstrapServers(), "group.id", "saturated", "auto.offset.reset", "earliest", "max.poll.records", 1),
                    new StringDeserializer(), new StringDeserializer(), List.of("saturated"), 1, handler, Duration.ofSeconds(120));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (done.size() < 6 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(done).containsExactly("v0", "v1", "v2", "v3", "v4", "v5");
            } finally {
                consumer.close();
            }
        }
    }

    /**
     * Records finish one by one on another thread, as deliveries do on an event loop, so the loop turns once per record.
     * Before the fix every turn sent an OffsetCommit: hundreds were unanswered at once, and close's final
     * {@code commitSync} queued behind all of them, up to its 10 s timeout (every KafkaSource adapter's stop in
     * bench/run-sources). Now one at most is unanswered when another commit starts, the final one included, and close
     * commits exactly what has a final outcome: the record never finished is not committed, so it is read again.
     */
    @Test
    void closeCommitsWhatIsFinalBehindOneUnansweredCommitAtMost() throws Exception {
        int total = 2000;
        try (EmbeddedKafka kafka = new EmbeddedKafka().start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer());
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("closing", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < total; i++) {
                producer.send(new ProducerRecord<>("closing", "k", "v" + i));
            }
            producer.flush();
            ExecutorService deliveries = Executors.newSingleThreadExecutor();
            AtomicInteger finished = new AtomicInteger();
            String last = "v" + (total - 1);
            AtLeastOnceConsumer.Handler<String, String> handler = (record, done) -> deliveries.execute(() -> {
                if (!record.value().equals(last)) { // the last one never gets a final outcome
                    done.run();
                    finished.incrementAndGet();
                }
            });
            AtLeastOnceConsumer<String, String> consumer = new AtLeastOnceConsumer<>("closing", Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "closing", "auto.offset.reset", "earliest", "max.poll.records", 1), new StringDeserializer(), new StringDeserializer(),
                    List.of("closing"), 1, handler);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (finished.get() < total - 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(finished.get()).isEqualTo(total - 1);
            } finally {
                consumer.close();
                deliveries.shutdown();
            }
            assertThat(consumer.mostCommitsUnanswered()).as("asynchronous commits unanswered at once").isEqualTo(1);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("closing").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(committed.get(new TopicPartition("closing", 0)).offset()).as("up to the record that was not final, not past it")
                    .isEqualTo(total - 1);
        }
    }

    @Test
    void theBackoffDoublesUpToAMinute() {
        assertThat(List.of(1, 2, 3, 6, 7, 20)).map(AtLeastOnceConsumer::backoff)
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(32),
                        Duration.ofSeconds(60), Duration.ofSeconds(60));
    }
}
