package dev.kiln.eventing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The eventing plane as a process of its own, for tests that kill it: {@code PlaneProcess PORT KAFKA MANIFESTS
 * [CONCURRENCY]}. Applies every document of the manifests file, prints {@code READY} and serves until killed.
 */
final class PlaneProcess {

    private PlaneProcess() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println("FAILED");
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withPort(Integer.parseInt(args[0]))
                .withKafka(args[1]).withLanes(10_000, concurrency));
        for (String doc : Files.readString(Path.of(args[2])).split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            HasMetadata resource = Serialization.unmarshal(doc);
            ResourceState state = plane.apply(resource);
            if (!state.ready()) {
                throw new IllegalStateException(resource.getKind() + " " + resource.getMetadata().getName() + " is not ready: " + state);
            }
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
