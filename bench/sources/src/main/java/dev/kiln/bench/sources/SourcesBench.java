package dev.kiln.bench.sources;

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
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * Options: {@code --seconds 10 --warmup 5 --rate 1000 --records 100000 --out FILE}.
 */
public final class SourcesBench {

    private SourcesBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "1000"));
        int records = Integer.parseInt(opts.getOrDefault("records", "100000"));
        Path out = Path.of(opts.getOrDefault("out", "bench/results/sources-" + LocalDate.now() + ".md"));

        Vertx vertx = Vertx.vertx();
        AtomicLong received = new AtomicLong();
        HttpServer sink = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            received.incrementAndGet();
            req.response().setStatusCode(202).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String sinkUrl = "http://127.0.0.1:" + sink.actualPort() + "/";
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s on %d CPUs, %s %s, JDK %s. Adapter, sink, paced sender and Kafka share one JVM;"
                        + " wrk (`-t1 -c16 -d%ds`) runs beside it on the same cores.%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"), seconds));
        try {
            String secret = "bench-secret";
            byte[] body = pushPayload();
            String signature = GitHubSignature.sign(secret, body);
            boolean webhooks = Boolean.parseBoolean(opts.getOrDefault("webhooks", "true"));
            if (webhooks) try (RunningAdapter github = RunningAdapter.start("github", Map.of("K_SINK", sinkUrl, "HOST", "127.0.0.1", "PORT", "0",
                    "GITHUB_SECRET_TOKEN", secret))) {
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
                wrk(url, warmup, lua);
                String load = wrk(url, seconds, lua);
                double saturation = number(load, "Requests/sec:\\s+([\\d.]+)");
                long non2xx = (long) number(load, "Non-2xx or 3xx responses:\\s+(\\d+)");
                System.err.printf("webhook saturation: %.0f req/s (%d non-2xx)%n", saturation, non2xx);
                paced(vertx, url, body, signature, rate, warmup);
                double[] p = paced(vertx, url, body, signature, rate, seconds);
                md.append(String.format(Locale.ROOT, "GitHub webhook → sink accepted (%d-byte push payload, HMAC-SHA256 checked on every request):%n%n", body.length));
                md.append("| measure | value |\n|---|---|\n");
                md.append(String.format(Locale.ROOT, "| saturation (wrk) | **%.0f req/s** (%d non-2xx) |%n", saturation, non2xx));
                md.append(String.format(Locale.ROOT, "| paced at | %d webhooks/s for %d s (%d answers, %d not 202) |%n", rate, seconds, (long) p[2], (long) p[3]));
                md.append(String.format(Locale.ROOT, "| p50 | %.2f ms |%n| p99 | **%.2f ms** |%n| max | %.2f ms |%n%n", p[0], p[1], p[4]));
                md.append(String.format(Locale.ROOT, "Target p99 ≤ 5 ms at %d webhooks/s: **%s**.%n%n", rate, p[1] <= 5 ? "met" : "not met"));
            }

            try (KafkaBroker kafka = new KafkaBroker()) {
                kafka.start();
                md.append(String.format(Locale.ROOT, "Kafka → sink accepted, %d records of ~200 bytes on a 4-partition topic, from adapter start:%n%n", records));
                md.append("| ordering | records/s | seconds |\n|---|---|---|\n");
                for (String ordering : List.of(opts.getOrDefault("orderings", "unordered,ordered").split(","))) {
                    String topic = "bench-" + ordering;
                    produce(kafka.bootstrapServers(), topic, records);
                    received.set(0);
                    long t0 = System.nanoTime();
                    try (RunningAdapter adapter = RunningAdapter.start("kafka", Map.of("K_SINK", sinkUrl, "HOST", "127.0.0.1", "PORT", "0",
                            "NAME", topic, "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "KAFKA_TOPICS", topic,
                            "KAFKA_INITIAL_OFFSET", "earliest", "KAFKA_ORDERING", ordering))) {
                        while (received.get() < records) {
                            Thread.sleep(20);
                        }
                    }
                    double took = (System.nanoTime() - t0) / 1e9;
                    System.err.printf("kafka %s: %.0f records/s%n", ordering, records / took);
                    md.append(String.format(Locale.ROOT, "| %s | **%.0f** | %.1f |%n", ordering, records / took, took));
                }
            }
            String report = md.toString();
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.println(report);
        } finally {
            vertx.close();
        }
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
        }
        String value = "{\"order\":%d,\"customer\":\"c-%d\",\"lines\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}],\"total\":\"42.50\",\"currency\":\"EUR\",\"region\":\"eu-west\"}";
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, "c-" + (i % 1000), value.formatted(i, i % 1000)));
            }
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
