package dev.kiln.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker kept in a directory: what it accepted, and a group's committed offset, are there after a restart. */
class EmbeddedKafkaIT {

    @Test
    void aKeptBrokerHasItsRecordsAndOffsetsAfterARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.keptIn(data).start();
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                        new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("kept", "k", "v" + i)).get();
            }
            try (KafkaConsumer<String, String> c = consumer(kafka)) {
                assertThat(poll(c, 1)).hasSize(1);
                c.commitSync(Map.of(new org.apache.kafka.common.TopicPartition("kept", 0), new org.apache.kafka.clients.consumer.OffsetAndMetadata(1)));
            }
        }
        try (EmbeddedKafka again = EmbeddedKafka.keptIn(data).start(); KafkaConsumer<String, String> c = consumer(again)) {
            List<String> values = poll(c, 2).stream().map(ConsumerRecord::value).toList();
            assertThat(values).as("the records after the committed offset").containsExactly("v1", "v2");
        }
    }

    static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "g",
                "auto.offset.reset", "earliest", "enable.auto.commit", "false", "max.poll.records", "1"), new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of("kept"));
        return c;
    }

    static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> c, int n) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }
}
