package dev.kiln.testing.kafka;

import dev.kiln.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker ({@link EmbeddedKafka}: KRaft, from Maven Central's jars) in the test JVM,
 * started once per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBroker kafka = new KafkaBroker();
 * ... kafka.bootstrapServers() ...
 * }</pre>
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private final EmbeddedKafka kafka = new EmbeddedKafka();

    /** Starts the broker before the class's first test; also usable without JUnit via {@link #start()}. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /**
     * Formats and starts the broker and waits until it serves clients.
     *
     * @return this
     * @throws Exception when it does not start
     */
    public KafkaBroker start() throws Exception {
        kafka.start();
        return this;
    }

    /** @return {@code host:port} of the broker's client listener */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops the broker and deletes its data; safe to call twice. */
    @Override
    public void close() throws Exception {
        kafka.close();
    }
}
