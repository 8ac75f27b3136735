package dev.kiln.local;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Dead letters kept on disk under {@code .kiln/dead-letters/<namespace>.<broker>/}, one structured CloudEvent per
 * file (with Knative's {@code knativeerror*} extensions), written atomically. In local mode a Broker without a
 * {@code deadLetterSink} sends here instead of dropping events, so {@code kiln dlq} can list, show and replay them.
 */
public final class DeadLetterStore {

    private static final EventFormat JSON = new JsonFormat();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One dead letter.
     *
     * @param id the file's id: {@code <namespace>.<broker>/<millis>-<event id>}
     * @param broker {@code namespace/name}
     * @param event the event as it was dead-lettered
     */
    public record Letter(String id, String broker, CloudEvent event) {
    }

    /**
     * What a replay got.
     *
     * @param letter the letter sent again
     * @param status the Broker's HTTP status
     * @param body the Broker's answer
     */
    public record Replay(Letter letter, int status, String body) {
        /** @return whether the Broker took it (and the letter is gone) */
        public boolean accepted() {
            return status / 100 == 2;
        }
    }

    private final Path dir;

    /** @param dir the {@code dead-letters} directory */
    public DeadLetterStore(Path dir) {
        this.dir = dir;
    }

    /**
     * @param namespace the Broker's namespace
     * @param broker the Broker's name
     * @param event the event, with its error extensions
     * @return its id
     * @throws IOException when it cannot be written
     */
    public synchronized String store(String namespace, String broker, CloudEvent event) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(namespace + "." + broker));
        String name = System.currentTimeMillis() + "-" + event.getId().replaceAll("[^A-Za-z0-9._-]", "_");
        Path tmp = folder.resolve("." + name + ".tmp");
        Files.write(tmp, JSON.serialize(event));
        Files.move(tmp, folder.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
        return namespace + "." + broker + "/" + name;
    }

    /** @return every dead letter, oldest first within each Broker */
    public List<Letter> list() throws IOException {
        List<Letter> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                all.add(read(f));
            }
        }
        return all;
    }

    /**
     * @param id an id from {@link #list()}
     * @return the letter, or null
     */
    public Letter get(String id) throws IOException {
        Path f = file(id);
        return Files.isRegularFile(f) ? read(f) : null;
    }

    /** @param id a letter to forget (after a successful replay) */
    public void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    /**
     * Sends a letter to its Broker again, without the {@code knativeerror*} extensions the failed delivery added, and
     * forgets it when the Broker accepts it.
     *
     * @param letter a letter of this store
     * @param eventing the eventing plane's base URL (Brokers are at {@code <base>/<namespace>/<name>})
     * @return the Broker's answer
     */
    public Replay replay(Letter letter, String eventing) throws IOException, InterruptedException {
        CloudEventBuilder clean = CloudEventBuilder.from(letter.event());
        for (String name : letter.event().getExtensionNames()) {
            if (name.startsWith("knativeerror")) {
                clean.withoutExtension(name);
            }
        }
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(eventing + "/" + letter.broker()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.serialize(clean.build()))).build(), HttpResponse.BodyHandlers.ofString());
        Replay replay = new Replay(letter, answer.statusCode(), answer.body());
        if (replay.accepted()) {
            delete(letter.id());
        }
        return replay;
    }

    private Path file(String id) {
        if (!id.matches("[A-Za-z0-9.-]+/[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a dead-letter id: " + id + " (see kiln dlq list)");
        }
        return dir.resolve(id + ".json");
    }

    private Letter read(Path f) throws IOException {
        String folder = f.getParent().getFileName().toString();
        String name = f.getFileName().toString().replaceAll("\\.json$", "");
        int dot = folder.indexOf('.');
        return new Letter(folder + "/" + name, folder.substring(0, dot) + "/" + folder.substring(dot + 1), JSON.deserialize(Files.readAllBytes(f)));
    }
}
