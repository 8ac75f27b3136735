package dev.kiln.bench.peer;

import dev.kiln.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Kiln's EmbeddedKafka (a real single-node KRaft broker from Maven Central's jars) in a JVM of its own, so neither plane
 * shares a JVM with it: creates the given topics, writes the bootstrap servers to a file, and runs until killed.
 *
 * <p>Usage: {@code KafkaMain <bootstrap-file> [topic:partitions ...]}
 */
public final class KafkaMain {

    private KafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        String bootstrap = kafka.bootstrapServers();
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] tp = args[i].split(":");
            topics.add(new NewTopic(tp[0], tp.length > 1 ? Integer.parseInt(tp[1]) : 1, (short) 1));
        }
        if (!topics.isEmpty()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(topics).all().get();
            }
        }
        Path out = Path.of(args[0]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, bootstrap + "\n");
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("KAFKA READY " + bootstrap + " topics=" + topics);
        Thread.currentThread().join();
    }
}
