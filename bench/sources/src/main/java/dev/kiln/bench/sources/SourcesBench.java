package dev.kiln.bench.sources;

import dev.kiln.bench.support.BenchRun;
import dev.kiln.bench.support.Summary;
import dev.kiln.sources.RunningAdapter;
import dev.kiln.sources.github.GitHubSignature;
import dev.kiln.testing.kafka.KafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The event-source adapters' benchmark, on 127.0.0.1 in one JVM (adapter, sink, paced sender, Kafka broker), wrk
 * beside it:
 * <ol>
 * <li>GitHub webhook → sink accepted, signature checked on every request: wrk gives the saturation rate; then an
 *     open-loop sender offers {@code --rate} webhooks/s and records each answer's latency (the adapter answers 202
 *     only after the sink accepted, so this is webhook → sink accepted);</li>
 * <li>Kafka records/s end to end: {@code --records} records on a 4-partition topic, from adapter start to the
 *     sink's last accept, unordered and ordered.</li>
 * </ol>
 * Under the benchmarks' rules ({@link BenchRun}): {@code --runs} runs (3), the scenarios in a seeded random order in each,
 * the webhook warmed with wrk and each Kafka ordering with passes of {@code --warm-records} until their rates hold still.
 * Options: {@code --runs 3 --seconds 10 --window 2 --rate 1000 --records 100000 --warm-records 20000 --out FILE}, and
 * BenchRun's ({@code --busy-ok --seed N ...}).
 */
public final class SourcesBench {

    private SourcesBench() {
    }

    /** One run of one scenario: the webhook's saturation and paced latency, or a Kafka ordering's records/s. */
    record Result(String scenario, int run, double rate, long non2xx, double p50, double p99, double max, long bad) {
    }

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-sources", args);
        Map<String, String> opts = run.options();
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int window = Integer.parseInt(opts.getOrDefault("window", "2"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "1000"));
        int records = Integer.parseInt(opts.getOrDefault("records", "100000"));
        int warmRecords = Integer.parseInt(opts.getOrDefault("warm-records", "20000"));
        Path out = Path.of(opts.getOrDefault("out", "bench/results/sources-" + LocalDate.now() + ".md"));

        Vertx vertx = Vertx.vertx();
        AtomicLong received = new AtomicLong();
        HttpServer sink = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            received.incrementAndGet();
            req.response().setStatusCode(202).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String sinkUrl = "http://127.0.0.1:" + sink.actualPort() + "/";
        List<String> scenarios = new ArrayList<>();
        if (Boolean.parseBoolean(opts.getOrDefault("webhooks", "true"))) {
            scenarios.add(WEBHOOK);
        }
        for (String ordering : opts.getOrDefault("orderings", "unordered,ordered").split(",")) {
            scenarios.add("kafka " + ordering);
        }
        List<Result> results = new ArrayList<>();
        String secret = "bench-secret";
        byte[] body = pushPayload();
        String signature = GitHubSignature.sign(secret, body);
        try (KafkaBroker kafka = new KafkaBroker();
                RunningAdapter github = RunningAdapter.start("github", Map.of("K_SINK", sinkUrl, "HOST", "127.0.0.1", "PORT", "0",
                        "GITHUB_SECRET_TOKEN", secret))) {
            kafka.start();
            String url = "http://127.0.0.1:" + github.port() + "/";
            Path lua = Files.createTempFile("kiln-github", ".lua");
            Files.writeString(lua, """
                    wrk.method = "POST"
                    wrk.body = [==[%s]==]
                    wrk.headers["Content-Type"] = "application/json"
                    wrk.headers["X-GitHub-Event"] = "push"
                    wrk.headers["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
                    wrk.headers["X-Hub-Signature-256"] = "%s"
                    """.formatted(new String(body, StandardCharsets.UTF_8), signature));
            AtomicInteger topics = new AtomicInteger();
            for (int r = 1; r <= runs; r++) {
                List<String> order = run.shuffled(scenarios);
                System.err.printf("run %d/%d: %s%n", r, runs, order);
                for (String scenario : order) {
                    if (scenario.equals(WEBHOOK)) {
                        run.steady("webhook, run " + r, () -> number(wrk(url, window, lua), "Requests/sec:\\s+([\\d.]+)"));
                        String load = wrk(url, seconds, lua);
                        double saturation = number(load, "Requests/sec:\\s+([\\d.]+)");
                        long non2xx = (long) number(load, "Non-2xx or 3xx responses:\\s+(\\d+)");
                        paced(vertx, url, body, signature, rate, window); // the paced rate's connections: not measured
                        double[] p = paced(vertx, url, body, signature, rate, seconds);
                        results.add(new Result(scenario, r, saturation, non2xx, p[0], p[1], p[4], (long) p[3]));
                        System.err.printf(Locale.ROOT, "  webhook: saturation %.0f req/s; at %d/s p50 %.2f ms, p99 %.2f ms%n", saturation, rate, p[0], p[1]);
                    } else {
                        String ordering = scenario.substring("kafka ".length());
                        // Warmed with smaller topics until a pass's records/s holds still, then the measured pass.
                        run.steady(scenario + ", run " + r, () -> kafkaPass(kafka, sinkUrl, received, ordering, "bench-" + topics.incrementAndGet(), warmRecords));
                        double perSecond = kafkaPass(kafka, sinkUrl, received, ordering, "bench-" + topics.incrementAndGet(), records);
                        results.add(new Result(scenario, r, perSecond, 0, Double.NaN, Double.NaN, Double.NaN, 0));
                        System.err.printf(Locale.ROOT, "  %s: %.0f records/s%n", scenario, perSecond);
                    }
                }
            }
        } finally {
            vertx.close();
        }
        run.close();
        String report = report(run, results, seconds, rate, records, body.length);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.exit(0);
    }

    private static final String WEBHOOK = "webhook";

    /**
     * Produces {@code count} records on a new topic, then times an adapter from its start to the sink's last accept. The
     * clock stops when the sink has the last record, before the adapter is closed: closing drains, commits and leaves the
     * consumer group, which is shutdown time, not delivery; counting it made every pass cost a fixed ~10 s.
     */
    static double kafkaPass(KafkaBroker kafka, String sinkUrl, AtomicLong received, String ordering, String topic, int count) throws Exception {
        produce(kafka.bootstrapServers(), topic, count);
        received.set(0);
        long t0 = System.nanoTime();
        long t1;
        try (RunningAdapter adapter = RunningAdapter.start("kafka", Map.of("K_SINK", sinkUrl, "HOST", "127.0.0.1", "PORT", "0",
                "NAME", topic, "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "KAFKA_TOPICS", topic,
                "KAFKA_INITIAL_OFFSET", "earliest", "KAFKA_ORDERING", ordering))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (received.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sink got " + received.get() + " of " + count + " records of " + topic + " in 10 minutes");
                }
                Thread.sleep(1);
            }
            t1 = System.nanoTime();
        }
        return count / ((t1 - t0) / 1e9);
    }

    static String report(BenchRun run, List<Result> results, int seconds, int rate, int records, int payload) {
        StringBuilder md = new StringBuilder(run.header());
        md.append(String.format(Locale.ROOT, "Adapter, sink, paced sender and Kafka share one JVM; wrk (`-t1 -c16`) runs beside it on the same cores."
                + " Each run takes the scenarios in a new random order, each warmed until its rate held still (see Warm-ups). Figures are"
                + " min / **median** / max over %d runs.%n%n", results.stream().mapToInt(Result::run).max().orElse(0)));
        List<Result> webhook = results.stream().filter(r -> r.scenario().equals(WEBHOOK)).toList();
        if (!webhook.isEmpty()) {
            Summary p99 = Summary.of(webhook.stream().map(Result::p99).toList());
            md.append(String.format(Locale.ROOT, "GitHub webhook → sink accepted (%d-byte push payload, HMAC-SHA256 checked on every request):%n%n", payload));
            md.append("| measure | value |\n|---|---|\n");
            md.append(String.format(Locale.ROOT, "| saturation (wrk, %d s) | %s req/s (%d non-2xx) |%n", seconds,
                    Summary.of(webhook.stream().map(Result::rate).toList()).format("%.0f"), webhook.stream().mapToLong(Result::non2xx).sum()));
            md.append(String.format(Locale.ROOT, "| paced at | %d webhooks/s for %d s (%d answers not 202) |%n", rate, seconds,
                    webhook.stream().mapToLong(Result::bad).sum()));
            md.append(String.format(Locale.ROOT, "| p50 | %s ms |%n| p99 | %s ms |%n| max | %s ms |%n%n",
                    Summary.of(webhook.stream().map(Result::p50).toList()).format("%.2f"), p99.format("%.2f"),
                    Summary.of(webhook.stream().map(Result::max).toList()).format("%.2f")));
            md.append(String.format(Locale.ROOT, "Target p99 ≤ 5 ms at %d webhooks/s, in every run: **%s**.%n%n", rate, p99.max() <= 5 ? "met" : "not met"));
        }
        List<String> kafka = results.stream().map(Result::scenario).filter(s -> s.startsWith("kafka ")).distinct().toList();
        if (!kafka.isEmpty()) {
            md.append(String.format(Locale.ROOT, "Kafka → sink accepted, %d records of ~200 bytes on a 4-partition topic, from adapter start:%n%n", records));
            md.append("| ordering | records/s |\n|---|---|\n");
            for (String k : kafka) {
                md.append(String.format(Locale.ROOT, "| %s | %s |%n", k.substring("kafka ".length()),
                        Summary.of(results.stream().filter(r -> r.scenario().equals(k)).map(Result::rate).toList()).format("%.0f")));
            }
        }
        md.append("\nWarm-ups:\n\n").append(run.warmupTable());
        return md.toString();
    }

    /** A push like GitHub's: three commits, repository, pusher, sender (about 6 KB). */
    static byte[] pushPayload() {
        StringBuilder commits = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            commits.append(i == 0 ? "" : ",").append("""
                    {"id":"%1$040d","tree_id":"%1$040d","distinct":true,"message":"Change number %2$d to the greeter's reply format, with tests",
                     "timestamp":"2026-11-22T10:1%2$d:00+01:00","url":"https://github.com/kiln-dev/greeter/commit/%1$040d",
                     "author":{"name":"Ada Lovelace","email":"ada@example.com","username":"ada"},
                     "committer":{"name":"GitHub","email":"noreply@github.com","username":"web-flow"},
                     "added":["src/main/java/dev/example/Greeting%2$d.java"],"removed":[],"modified":["README.md","pom.xml"]}""".formatted(i + 1, i));
        }
        String repo = """
                {"id":186853002,"node_id":"MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=","name":"greeter","full_name":"kiln-dev/greeter","private":false,
                 "owner":{"name":"kiln-dev","login":"kiln-dev","id":21031067,"type":"Organization","site_admin":false,
                  "html_url":"https://github.com/kiln-dev","url":"https://api.github.com/users/kiln-dev"},
                 "html_url":"https://github.com/kiln-dev/greeter","description":"A Kiln function","fork":false,
                 "url":"https://github.com/kiln-dev/greeter","clone_url":"https://github.com/kiln-dev/greeter.git",
                 "git_url":"git://github.com/kiln-dev/greeter.git","ssh_url":"git@github.com:kiln-dev/greeter.git",
                 "created_at":1557933565,"updated_at":"2026-11-20T10:00:00Z","pushed_at":1763800000,"size":42,
                 "stargazers_count":7,"watchers_count":7,"language":"Java","default_branch":"main","master_branch":"main"}""";
        return """
                {"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"%040d","created":false,"deleted":false,
                 "forced":false,"base_ref":null,"compare":"https://github.com/kiln-dev/greeter/compare/6113728f27ae...000000000003",
                 "commits":[%s],"head_commit":null,"repository":%s,
                 "pusher":{"name":"ada","email":"ada@example.com"},
                 "sender":{"login":"ada","id":21031067,"type":"User","site_admin":false,"html_url":"https://github.com/ada"}}
                """.formatted(3, commits, repo).getBytes(StandardCharsets.UTF_8);
    }

    /** @return p50 ms, p99 ms, answers, answers not 202, max ms */
    static double[] paced(Vertx vertx, String url, byte[] body, String signature, int rate, int seconds) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(32));
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger done = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        Buffer payload = Buffer.buffer(body);
        long start = System.nanoTime();
        long timer = vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate));
            while (sent.get() < due) {
                int n = (int) sent.getAndIncrement();
                long t = System.nanoTime();
                RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                        .putHeader("Content-Type", "application/json").putHeader("X-GitHub-Event", "push")
                        .putHeader("X-GitHub-Delivery", "d-" + n).putHeader("X-Hub-Signature-256", signature);
                client.request(o).compose(r -> r.send(payload)).compose(r -> r.body().map(b -> r.statusCode())).onComplete(ar -> {
                    latencies[n] = System.nanoTime() - t;
                    if (ar.failed() || ar.result() != 202) {
                        bad.incrementAndGet();
                    }
                    done.incrementAndGet();
                });
            }
        });
        long deadline = System.nanoTime() + (seconds + 30) * 1_000_000_000L;
        while (done.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        vertx.cancelTimer(timer);
        client.close();
        long[] l = Arrays.copyOf(latencies, done.get());
        Arrays.sort(l);
        int n = l.length;
        return new double[] {l[n / 2] / 1e6, l[(int) Math.ceil(n * 0.99) - 1] / 1e6, n, bad.get() + (total - n), l[n - 1] / 1e6};
    }

    static void produce(String bootstrap, String topic, int count) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // Created is not led yet: a send to a partition without a leader waits, and expires after two minutes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!led(admin, topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has a partition without a leader after 60 s");
                }
                Thread.sleep(100);
            }
        }
        String value = "{\"order\":%d,\"customer\":\"c-%d\",\"lines\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}],\"total\":\"42.50\",\"currency\":\"EUR\",\"region\":\"eu-west\"}";
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            // Every send is waited for: a send that failed (a partition's leader not known yet on a loaded machine) left the topic
            // short, and the pass waited forever for records that were never written.
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>(count);
            // One record per partition first, each waited for. A partition its broker has not taken the lead of yet (it
            // answers NOT_LEADER_OR_FOLLOWER though the topic's metadata names it) fails the first batch while later ones
            // of the same idempotent producer land; the retried first batch is then out of sequence for ever (Kafka's
            // warnings showed it: "Out of order sequence number ... 0 (incoming seq. number), 479 (current end sequence
            // number)") and expires after two minutes. Once each partition took one record, the rest go in bulk.
            int partitions = p.partitionsFor(topic).size();
            for (int i = 0; i < Math.min(partitions, count); i++) {
                p.send(new ProducerRecord<>(topic, i, "c-" + (i % 1000), value.formatted(i, i % 1000))).get(2, TimeUnit.MINUTES);
            }
            for (int i = partitions; i < count; i++) {
                sent.add(p.send(new ProducerRecord<>(topic, "c-" + (i % 1000), value.formatted(i, i % 1000))));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
    }

    /** @return whether every partition of the topic has a leader (false while the broker does not know the topic yet) */
    static boolean led(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty());
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    static String wrk(String url, int seconds, Path lua) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency", "-s", lua.toString(), url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
