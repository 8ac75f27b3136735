package dev.kiln.bench.soak;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.bench.support.BenchRun;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bounded soak of issue 20 (bench/run-soak): kiln dev with --kafka local, a durable Broker, a Trigger into a
 * Sequence on KafkaChannels (the greeter, then this program's sink), a steady paced load, function instances killed
 * at random, and kiln dev itself killed with SIGKILL twice and started again. Reports accepted, delivered, duplicates
 * and lost, and the end-to-end latency over time. Bounded in count and time; stops by itself.
 *
 * <p>Under the benchmarks' rules ({@link BenchRun}) where they apply to a soak: the machine checked before the run and
 * watched during it (the report is flagged when it was busy), and the chaos (which instance is killed) drawn from the
 * run's printed seed, so {@code --seed N} repeats it. A soak measures loss and duplicates over a long run with faults,
 * not a rate: it has no steady state to warm to, and its latency windows over time are the report.
 */
public final class SoakBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    static final Pattern NAME = Pattern.compile("Hello, (s-\\d+)!");

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-soak", args);
        args = run.args();
        Map<String, String> o = new TreeMap<>(Map.of("--seconds", "600", "--rate", "20", "--kill-every", "30", "--drain", "180",
                "--window", "30", "--out", "bench/results/soak-" + LocalDate.now() + ".md"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        Path repo = Path.of("").toAbsolutePath();
        String jar = Files.list(repo.resolve("cli/target")).map(Path::toString).filter(p -> p.matches(".*/kiln-cli-[^/]*\\.jar"))
                .findFirst().orElseThrow(() -> new IllegalStateException("build the CLI first"));
        String commit = new String(new ProcessBuilder("git", "rev-parse", "HEAD").start().getInputStream().readAllBytes()).strip();
        long seconds = Long.parseLong(o.get("--seconds"));
        int rate = Integer.parseInt(o.get("--rate"));

        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> arrived = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = NAME.matcher(body);
            if (m.find() && arrived.putIfAbsent(m.group(1), System.nanoTime()) != null) {
                duplicates.incrementAndGet();
            }
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        sink.start();

        Path dir = Files.createTempDirectory("kiln-soak");
        Files.writeString(dir.resolve("soak.yaml"), """
                apiVersion: kiln.dev/v1alpha1
                kind: Function
                metadata: {name: greeter}
                spec:
                  source: {git: {url: %s, revision: %s, contextDir: examples/functions/greeter}}
                  env: [{name: KILN_REPLY_TYPE, value: dev.kiln.greeting}]
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata:
                  name: default
                  annotations: {eventing.knative.dev/broker.class: Kafka}
                spec:
                  delivery: {retry: 30, backoffPolicy: exponential, backoffDelay: PT0.2S}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: soak}
                spec:
                  broker: default
                  filters: [{exact: {type: dev.kiln.hello}}]
                  subscriber: {ref: {apiVersion: flows.knative.dev/v1, kind: Sequence, name: soak}}
                ---
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: soak}
                spec:
                  channelTemplate: {apiVersion: messaging.knative.dev/v1beta1, kind: KafkaChannel}
                  steps:
                    - ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}
                      delivery: {retry: 30, backoffPolicy: exponential, backoffDelay: PT0.2S}
                    - uri: "http://127.0.0.1:%d/"
                      delivery: {retry: 30, backoffPolicy: exponential, backoffDelay: PT0.2S}
                """.formatted(repo.toUri(), commit, sink.getAddress().getPort()));
        Kiln kiln = new Kiln(jar, dir, repo);
        List<String> chaos = new ArrayList<>();
        try {
            System.out.println("soak: starting kiln dev in " + dir + " (the first start builds the greeter)");
            kiln.start(Duration.ofMinutes(10));
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            // The load keeps its pace whatever happens to kiln dev: what it sends while kiln dev is down is refused.
            Thread sender = new Thread(() -> {
                long interval = 1_000_000_000L / rate;
                long next = start;
                for (int n = 0; System.nanoTime() < end; n++) {
                    String id = "s-" + n;
                    sent.put(id, System.nanoTime());
                    if (!kiln.send(id)) {
                        sent.remove(id);
                        refused.incrementAndGet();
                    }
                    next += interval;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(sleep);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "soak-sender");
            sender.start();
            long killEvery = TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("--kill-every")));
            long nextKill = start + killEvery;
            long[] crashes = {start + TimeUnit.SECONDS.toNanos(seconds) / 3, start + 2 * TimeUnit.SECONDS.toNanos(seconds) / 3};
            int crashed = 0;
            Random random = run.random();
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (crashed < 2 && now >= crashes[crashed]) {
                    long pid = kiln.pid();
                    kiln.kill();
                    long down = System.nanoTime();
                    kiln.start(Duration.ofMinutes(3));
                    chaos.add(String.format("%.0f s: kill -9 kiln dev (pid %d); serving again after %.1f s", (now - start) / 1e9, pid,
                            (System.nanoTime() - down) / 1e9));
                    crashed++;
                } else if (now >= nextKill) {
                    chaos.add(String.format("%.0f s: %s", (now - start) / 1e9, kiln.killAnInstance(random)));
                    nextKill = now + killEvery;
                }
                Thread.sleep(200);
            }
            sender.join();
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("--drain")));
            while (System.nanoTime() < drainEnd && !arrived.keySet().containsAll(sent.keySet())) {
                Thread.sleep(500);
            }
            run.close();
            String report = report(o, sent, arrived, duplicates.get(), refused.get(), chaos, start).replaceFirst("\n\n", "\n\n" + java.util.regex.Matcher.quoteReplacement(run.header()));
            System.out.print(report);
            Path out = Path.of(o.get("--out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println("\nwritten to " + out);
        } finally {
            kiln.stop();
            sink.stop(0);
        }
    }

    static String report(Map<String, String> o, Map<String, Long> sent, Map<String, Long> arrived, int duplicates, int refused,
            List<String> chaos, long start) {
        long lost = sent.keySet().stream().filter(id -> !arrived.containsKey(id)).count();
        StringBuilder md = new StringBuilder("# Soak, " + LocalDate.now() + "\n\n");
        md.append("kiln dev --kafka local; durable Broker -> Trigger -> Sequence on KafkaChannels (greeter, then the bench's sink); ")
                .append(o.get("--rate")).append(" events/s for ").append(o.get("--seconds")).append(" s.\n\n");
        md.append("| accepted (202) | refused while kiln dev was down | delivered | duplicates | lost |\n|---|---|---|---|---|\n");
        md.append("| ").append(sent.size()).append(" | ").append(refused).append(" | ")
                .append(sent.keySet().stream().filter(arrived::containsKey).count()).append(" | ").append(duplicates).append(" | ")
                .append(lost).append(" |\n\n");
        long window = TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("--window")));
        Map<Long, List<Long>> byWindow = new TreeMap<>();
        sent.forEach((id, t) -> {
            Long a = arrived.get(id);
            if (a != null) {
                byWindow.computeIfAbsent((t - start) / window, k -> new ArrayList<>()).add(a - t);
            }
        });
        md.append("Latency, send to the sink, by the second the event was sent:\n\n| from s | events | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
        byWindow.forEach((w, l) -> {
            List<Long> s = l.stream().sorted().toList();
            md.append("| ").append(w * window / 1_000_000_000L).append(" | ").append(s.size()).append(" | ")
                    .append(ms(s, 0.5)).append(" | ").append(ms(s, 0.99)).append(" | ").append(ms(s, 1.0)).append(" |\n");
        });
        md.append("\nChaos:\n\n");
        chaos.forEach(c -> md.append("- ").append(c).append('\n'));
        return md.toString();
    }

    static String ms(List<Long> sorted, double p) {
        return String.format("%.0f", sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6);
    }

    /** kiln dev as a process: started, killed, restarted on the same state directory. */
    static final class Kiln {
        final String jar;
        final Path dir;
        final Path repo;
        Process process;
        volatile String ingress = "http://127.0.0.1:9/none";
        final AtomicLong starts = new AtomicLong();

        Kiln(String jar, Path dir, Path repo) {
            this.jar = jar;
            this.dir = dir;
            this.repo = repo;
        }

        void start(Duration timeout) throws Exception {
            Path log = dir.resolve("kiln-dev-" + starts.incrementAndGet() + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
                    "dev", ".", "--port", "0", "--kafka", "local").directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("KILN_MAVEN", repo.resolve("mvnw").toString());
            process = pb.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            Path state = dir.resolve(".kiln/dev.json");
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("kiln dev exited: see " + log);
                }
                String text = Files.exists(log) ? Files.readString(log) : "";
                if (Files.exists(state) && Files.readString(state).contains("\"pid\":" + process.pid())
                        && text.lines().anyMatch(l -> l.startsWith("Sequence default/soak") && l.contains("ready"))
                        && text.lines().anyMatch(l -> l.startsWith("Function default/greeter") && l.contains("ready"))) {
                    Matcher m = Pattern.compile("\"eventing\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(state));
                    if (m.find()) {
                        ingress = m.group(1) + "/default/default";
                        return;
                    }
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("kiln dev did not get ready within " + timeout + ": see " + log);
        }

        long pid() {
            return process.pid();
        }

        boolean send(String id) {
            try {
                HttpRequest r = HttpRequest.newBuilder(URI.create(ingress)).timeout(Duration.ofSeconds(5)).header("ce-specversion", "1.0")
                        .header("ce-id", id).header("ce-source", "/soak").header("ce-type", "dev.kiln.hello")
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + id + "\"}")).build();
                return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 202;
            } catch (Exception e) {
                return false;
            }
        }

        String killAnInstance(Random random) {
            List<ProcessHandle> instances = process.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).toList();
            if (instances.isEmpty()) {
                return "no function instance running to kill";
            }
            ProcessHandle victim = instances.get(random.nextInt(instances.size()));
            victim.destroyForcibly();
            return "kill -9 a function instance (pid " + victim.pid() + ")";
        }

        void kill() throws InterruptedException {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            children.forEach(ProcessHandle::destroyForcibly); // SIGKILL does not reach them: their parent is gone
        }

        void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    kill();
                }
            }
        }
    }
}
