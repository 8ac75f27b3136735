package dev.kiln.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, from Maven Central's jars:
 * what the tests share one per class, and what {@code kiln dev --kafka local} starts for users who have no Kafka.
 *
 * <p>Kafka's own test kit rather than a hand-rolled launcher: it is what Kafka tests itself with. Its data lives in
 * a temporary directory deleted on {@link #close()}, or, for {@code kiln dev}, in a directory it keeps
 * ({@link #keptIn}): the log, the consumer groups' offsets and the cluster's id survive a crash ({@code kill -9})
 * and a restart, so what a durable Broker accepted is still there. The replication settings matter: without them
 * {@code __consumer_offsets} is created with a replication factor of 3 on a one-node cluster, and consumer groups
 * wait forever.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path dataDir;
    private KafkaClusterTestKit cluster;

    /** A broker whose data is deleted when it stops: tests. */
    public EmbeddedKafka() {
        this(null);
    }

    private EmbeddedKafka(Path dataDir) {
        this.dataDir = dataDir;
    }

    /**
     * @param dir where the broker keeps its data across restarts (created when missing)
     * @return a broker that keeps its log, offsets and cluster id there
     */
    public static EmbeddedKafka keptIn(Path dir) {
        return new EmbeddedKafka(dir);
    }

    /**
     * Formats and starts the broker and waits until it serves clients.
     *
     * @return this
     * @throws Exception when it does not start
     */
    public synchronized EmbeddedKafka start() throws Exception {
        if (cluster != null) {
            return this;
        }
        TestKitNodes.Builder nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
        if (dataDir != null) {
            nodes.setBaseDirectory(dataDir).setClusterId(clusterId(dataDir));
        }
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes.build()).setDeleteOnClose(dataDir == null)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            if (!formatted(dataDir)) {
                kit.format();
            }
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        cluster = kit;
        return this;
    }

    /** The cluster's id, made once and kept with the data: a restarted broker must present the id its log was formatted with. */
    private static String clusterId(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("cluster-id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }
        String id = Uuid.randomUuid().toString();
        Path tmp = dir.resolve("cluster-id.tmp");
        Files.writeString(tmp, id, StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /** @return whether a kept directory was formatted by an earlier start (formatting again is refused by Kafka) */
    private static boolean formatted(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.find(dir, 2, (p, a) -> p.getFileName().toString().equals("meta.properties"))) {
            return files.findAny().isPresent();
        }
    }

    /** @return {@code host:port} of the broker's client listener */
    public synchronized String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("the Kafka broker is not started");
        }
        return cluster.bootstrapServers();
    }

    /** Stops the broker and deletes its data unless it is kept; safe to call twice (the test kit's own close is not). */
    @Override
    public synchronized void close() throws Exception {
        if (cluster != null) {
            KafkaClusterTestKit kit = cluster;
            cluster = null;
            kit.close();
        }
    }
}
