package dev.kiln.eventing.durable;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Appends accepted events to durable Brokers' topics on one Kafka cluster. Events are written in binary mode
 * ({@code ce_} headers, data as the value), as Knative's Kafka broker writes them, so other Kafka tools read
 * them too. The {@code partitionkey} extension, when present, is the record key.
 */
public final class EventLog implements AutoCloseable {

    /** The ingress producer's {@code linger.ms} (why 0: see the constructor); public for the benchmark's report. */
    public static final int LINGER_MS = 0;

    private final String bootstrapServers;
    private final Function<String, Admin> admins;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * @param bootstrapServers the Kafka cluster
     * @throws org.apache.kafka.common.KafkaException when the servers are malformed
     */
    public EventLog(String bootstrapServers) {
        this(bootstrapServers, EventLog::admin);
    }

    /** As the public constructor, with the admin clients {@link #prepare} uses chosen (tests watch what it asks). */
    EventLog(String bootstrapServers, Function<String, Admin> admins) {
        this.bootstrapServers = bootstrapServers;
        this.admins = admins;
        // acks=all with idempotence: a 202 means the event is on every in-sync replica, written once.
        // linger.ms=0 (Kafka 4 defaults to 5): ingress answers only after the acknowledgement, and a sender waits for
        // that answer before its next event, so a linger is added to every event's latency and, with a sender's
        // connections all waiting, caps the rate (bench/run-peer: 16 connections at linger 1 held Kiln to half of
        // Knative's receiver, which uses 0). Records still batch while earlier requests to the broker are in flight.
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, LINGER_MS,
                // send() blocks the caller only without metadata for the topic; topics are created and their
                // metadata fetched when the Broker is applied, so this bound is a safety net, not a wait.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.CLIENT_ID_CONFIG, "kiln-broker-ingress"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** An admin client with bounded timeouts: topic and group set-up must fail with a message, not hang. */
    static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /**
     * Creates the Broker's topic unless it exists (or is external), waits until every partition of a topic Kiln
     * manages has a leader that answers, and loads the topic's metadata.
     *
     * @param config the Broker's settings
     * @throws IllegalStateException with a message that says what failed
     */
    public void prepare(KafkaBrokerConfig config) {
        try (Admin admin = admins.apply(bootstrapServers)) {
            if (!config.external()) {
                try {
                    admin.createTopics(List.of(new NewTopic(config.topic(), config.partitions(), config.replicationFactor())))
                            .all().get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitMetadata(admin, config);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + ": topic " + config.topic() + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 20s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing topic " + config.topic(), e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the topic can take its first appends. A topic just created is not known to every broker at once (the
     * controller answers CreateTopics before their metadata caches have it), and a partition that metadata names a
     * leader for may not be led by that broker yet: the idempotent producer's first batch to it then fails while its
     * later batches land, and the retried first batch is out of sequence until the delivery timeout expires it
     * ({@code Out of order sequence number ... 0 (incoming seq. number), 479 (current end sequence number)}: the events
     * of that batch are refused after 30 s). So for a topic Kiln manages, every partition's leader must answer a
     * ListOffsets request (only a partition's leader answers it) before the producer loads the topic's metadata, and
     * what a new topic's partitions answer meanwhile (not known yet, no leader yet) is waited out within 20 s. An
     * external topic is someone else's, and long led: one that is not there is reported at once.
     */
    private void awaitMetadata(Admin admin, KafkaBrokerConfig config) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                TopicDescription topic = admin.describeTopics(List.of(config.topic())).allTopicNames().get(20, TimeUnit.SECONDS).get(config.topic());
                if (!config.external()) {
                    Map<TopicPartition, OffsetSpec> every = new HashMap<>();
                    topic.partitions().forEach(p -> every.put(new TopicPartition(config.topic(), p.partition()), OffsetSpec.latest()));
                    admin.listOffsets(every).all().get(20, TimeUnit.SECONDS);
                }
                producer.partitionsFor(config.topic());
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                        || config.external() || System.nanoTime() > deadline) {
                    throw e; // a timeout already waited its 15 s: Kafka is not answering, which waiting longer does not change
                }
            }
            Thread.sleep(100);
        }
    }

    /**
     * Appends an event.
     *
     * @param topic the Broker's topic
     * @param event the event as accepted (TTL and arrival time set)
     * @return completes once Kafka acknowledged the write; fails with the producer's error
     */
    public Future<Void> append(String topic, CloudEvent event) {
        Object key = event.getExtension("partitionkey");
        ProducerRecord<String, byte[]> record = KafkaMessageFactory
                .<String>createWriter(topic, null, null, key == null ? null : key.toString()).writeBinary(event);
        Promise<Void> acked = Promise.promise();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acked.complete();
                } else {
                    acked.fail(error);
                }
            });
        } catch (RuntimeException e) {
            acked.tryFail(e);
        }
        return acked.future();
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
