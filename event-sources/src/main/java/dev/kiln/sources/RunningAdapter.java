package dev.kiln.sources;

import dev.kiln.sources.cron.CronAdapter;
import dev.kiln.sources.github.GitHubWebhook;
import dev.kiln.sources.gitlab.GitLabWebhook;
import dev.kiln.sources.http.AdapterServer;
import dev.kiln.sources.http.Webhook;
import dev.kiln.sources.kafka.KafkaAdapter;
import dev.kiln.sources.send.SendSpans;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One adapter, started from its environment: the HTTP server (webhooks, health, metrics), the sender and the
 * kind's own part. What {@code kiln-event-sources <kind>} runs, and what {@code kiln dev} and the tests start in
 * process.
 */
public final class RunningAdapter implements AutoCloseable {

    /** The kinds, as the command line names them. */
    public static final List<String> KINDS = List.of("github", "gitlab", "kafka", "cron");

    private final Vertx vertx;
    private final SourceMetrics metrics;
    private final SinkSender sender;
    private final AutoCloseable part;
    private final AdapterServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RunningAdapter(Vertx vertx, SourceMetrics metrics, SinkSender sender, AutoCloseable part, AdapterServer server) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.sender = sender;
        this.part = part;
        this.server = server;
    }

    /**
     * Validates the whole environment first (every problem at once), then starts.
     *
     * @param kind github, gitlab, kafka or cron
     * @param environment the variables
     * @return the running adapter
     * @throws IllegalArgumentException listing every configuration problem
     * @throws Exception when the server cannot start
     */
    public static RunningAdapter start(String kind, Map<String, String> environment) throws Exception {
        Env env = new Env(environment);
        AdapterSettings settings = AdapterSettings.from(kind, env);
        Object specific = switch (kind) {
            case "github" -> GitHubWebhook.Settings.from(env);
            case "gitlab" -> GitLabWebhook.Settings.from(env);
            case "kafka" -> KafkaAdapter.Settings.from(env, settings.namespace(), settings.name());
            case "cron" -> CronAdapter.Settings.from(env);
            default -> throw new IllegalArgumentException("unknown source kind '" + kind + "': use one of " + KINDS);
        };
        env.check();
        Vertx vertx = Vertx.vertx();
        SourceMetrics metrics = new SourceMetrics(kind, settings.namespace(), settings.name());
        SinkSender sender = new SinkSender(vertx, settings.overrides(), metrics,
                SendSpans.fromEnvironment(environment, kind, settings.namespace(), settings.name()));
        AutoCloseable part = null;
        Webhook webhook = null;
        BooleanSupplier ready = () -> true;
        BooleanSupplier live = () -> true;
        try {
            if (specific instanceof GitHubWebhook.Settings s) {
                webhook = new GitHubWebhook(s, settings, sender, metrics);
            } else if (specific instanceof GitLabWebhook.Settings s) {
                webhook = new GitLabWebhook(s, settings, sender, metrics, Clock.systemUTC());
            } else if (specific instanceof KafkaAdapter.Settings s) {
                KafkaAdapter kafka = new KafkaAdapter(s, settings, sender, metrics, vertx);
                part = kafka;
                ready = kafka::assigned;
                live = kafka::alive;
            } else {
                part = new CronAdapter((CronAdapter.Settings) specific, settings, sender, metrics, vertx, Clock.systemUTC());
            }
            AdapterServer server = new AdapterServer(vertx, settings.host(), settings.port(), webhook, metrics, settings.bodies(), ready, live);
            return new RunningAdapter(vertx, metrics, sender, part, server);
        } catch (Exception e) {
            if (part != null) {
                part.close();
            }
            vertx.close();
            throw e;
        }
    }

    /** @return the HTTP server's port */
    public int port() {
        return server.port();
    }

    /** @return the adapter's metrics */
    public SourceMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws Exception {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            if (part != null) {
                part.close();
            }
            server.close();
            sender.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
