package dev.kiln.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, from Maven Central's jars:
 * what the tests share one per class, and what {@code kiln dev --kafka local} starts for users who have no Kafka.
 *
 * <p>Kafka's own test kit rather than a hand-rolled launcher: it is what Kafka tests itself with. Its data lives in
 * a temporary directory, deleted on {@link #close()}. The replication settings matter: without them
 * {@code __consumer_offsets} is created with a replication factor of 3 on a one-node cluster, and consumer groups
 * wait forever.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private KafkaClusterTestKit cluster;

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
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        cluster = kit;
        return this;
    }

    /** @return {@code host:port} of the broker's client listener */
    public synchronized String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("the Kafka broker is not started");
        }
        return cluster.bootstrapServers();
    }

    /** Stops the broker and deletes its data; safe to call twice (the test kit's own close is not). */
    @Override
    public synchronized void close() throws Exception {
        if (cluster != null) {
            KafkaClusterTestKit kit = cluster;
            cluster = null;
            kit.close();
        }
    }
}
