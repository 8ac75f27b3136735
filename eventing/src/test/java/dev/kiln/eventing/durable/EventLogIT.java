package dev.kiln.eventing.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.kafka.KafkaBroker;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a durable Broker's topic is ready for once {@link EventLog#prepare} returned, on a real broker (one per class). */
class EventLogIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final int PARTITIONS = 8;

    /**
     * Every partition of the topic prepare created answered a ListOffsets request (which only a partition's leader
     * answers) before prepare returned. Without the fix prepare asked none. This checks what prepare waits for, not
     * the race it closes: that one cannot be brought on at will (see the next test).
     */
    @Test
    void prepareReturnsOnceEveryPartitionOfItsNewTopicHasALeaderThatAnswers() throws Exception {
        List<Map.Entry<Set<TopicPartition>, ListOffsetsResult>> asked = new CopyOnWriteArrayList<>();
        Function<String, Admin> watched = servers -> new ForwardingAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers)) {
            @Override
            public ListOffsetsResult listOffsets(Map<TopicPartition, OffsetSpec> partitions, ListOffsetsOptions options) {
                ListOffsetsResult result = super.listOffsets(partitions, options);
                asked.add(Map.entry(Set.copyOf(partitions.keySet()), result));
                return result;
            }
        };
        KafkaBrokerConfig config = new KafkaBrokerConfig(KAFKA.bootstrapServers(), "knative-broker-default-led", PARTITIONS, (short) 1, false);
        try (EventLog log = new EventLog(KAFKA.bootstrapServers(), watched)) {
            log.prepare(config);
            // Read as prepare returned: which partitions had answered by then.
            Set<TopicPartition> answered = asked.stream().filter(a -> a.getValue().all().isDone() && !a.getValue().all().isCompletedExceptionally())
                    .flatMap(a -> a.getKey().stream()).collect(Collectors.toSet());
            assertThat(answered).isEqualTo(IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(config.topic(), p)).collect(Collectors.toSet()));
        }
    }

    /**
     * The race itself, as far as a test can bring it on: new topics, each sent a burst of appends on every partition
     * (several batches per partition) as soon as prepare returned. Without the fix a partition's first batch failed
     * now and then (its broker did not lead it yet) while later ones landed, and its events expired after the
     * producer's 30 s delivery timeout: this test failed on its second topic, and a trial of 12 topics saw 5 fail.
     * A run without the fix may still pass, since the broker's timing decides; with it, 40 topics in a row landed.
     */
    @Test
    void theFirstAppendsToEveryPartitionOfNewTopicsLand() throws Exception {
        List<String> keys = IntStream.range(0, PARTITIONS).mapToObj(EventLogIT::keyFor).toList();
        try (EventLog log = new EventLog(KAFKA.bootstrapServers())) {
            for (int t = 0; t < 10; t++) {
                KafkaBrokerConfig config = new KafkaBrokerConfig(KAFKA.bootstrapServers(), "knative-broker-default-fresh-" + t, PARTITIONS,
                        (short) 1, false);
                log.prepare(config);
                List<Future<Void>> acks = new ArrayList<>();
                for (int i = 0; i < 16 * PARTITIONS; i++) {
                    acks.add(log.append(config.topic(), CloudEventBuilder.v1().withId("e" + i).withSource(URI.create("/fresh")).withType("t")
                            .withExtension("partitionkey", keys.get(i % PARTITIONS)).build()));
                }
                for (Future<Void> ack : acks) {
                    ack.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS); // fails with the producer's error
                }
            }
        }
    }

    /** @return a key the producer's default partitioner sends to {@code partition} (murmur2, as Kafka's own) */
    static String keyFor(int partition) {
        for (int i = 0;; i++) {
            String key = "k" + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS == partition) {
                return key;
            }
        }
    }
}
