package dev.kiln.sources.cron;

import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.Env;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CronSource's adapter: PingSource-shaped events on a cron schedule. Type {@code dev.knative.sources.ping}, source
 * {@code /apis/v1/namespaces/<ns>/cronsources/<name>}, a new id per tick, time = the tick's scheduled time, data from
 * {@code CRON_DATA_BASE64} (decoded) or {@code CRON_DATA} with {@code CRON_CONTENT_TYPE}. A tick the sink does not
 * accept after the send policy's retries is dropped and counted, as PingSource does. Missed ticks: {@link CronTicker}.
 */
public final class CronAdapter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CronAdapter.class.getName());

    /** The event type, PingSource's. */
    public static final String TYPE = "dev.knative.sources.ping";

    /**
     * The cron-specific settings.
     *
     * @param schedule {@code CRON_SCHEDULE} (default every minute)
     * @param zone {@code CRON_TIMEZONE} (default UTC)
     * @param data the event's data, or null
     * @param contentType {@code CRON_CONTENT_TYPE}, or null
     */
    public record Settings(String schedule, ZoneId zone, byte[] data, String contentType) {

        /** Reads the settings; problems are recorded on {@code env}. */
        public static Settings from(Env env) {
            String schedule = env.optional("CRON_SCHEDULE", "* * * * *");
            try {
                dev.kiln.api.validation.CronSchedules.parse(schedule);
            } catch (IllegalArgumentException e) {
                env.problem("CRON_SCHEDULE=" + schedule + ": " + e.getMessage());
            }
            ZoneId zone = ZoneId.of("UTC");
            String tz = env.optional("CRON_TIMEZONE", "UTC");
            try {
                zone = ZoneId.of(tz);
            } catch (DateTimeException e) {
                env.problem("CRON_TIMEZONE=" + tz + ": not a time zone (use an IANA name such as Europe/Paris)");
            }
            String text = env.optional("CRON_DATA", null);
            String base64 = env.optional("CRON_DATA_BASE64", null);
            byte[] data = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            if (text != null && base64 != null) {
                env.problem("CRON_DATA and CRON_DATA_BASE64 are both set: set one");
            } else if (base64 != null) {
                try {
                    data = Base64.getDecoder().decode(base64);
                } catch (IllegalArgumentException e) {
                    env.problem("CRON_DATA_BASE64 is not base64: " + e.getMessage());
                }
            }
            return new Settings(schedule, zone, data, env.optional("CRON_CONTENT_TYPE", null));
        }
    }

    private final Settings settings;
    private final AdapterSettings adapter;
    private final SinkSender sender;
    private final SourceMetrics metrics;
    private final Vertx vertx;
    private final Clock clock;
    private final CronTicker ticker;
    private volatile long timer = -1;
    private volatile boolean running = true;

    /**
     * Schedules the first tick.
     *
     * @param settings the schedule and data
     * @param adapter the sink and send policy
     * @param sender sends to the sink
     * @param metrics counts missed ticks and send outcomes
     * @param vertx runs the timers
     * @param clock the time the schedule is read against
     */
    public CronAdapter(Settings settings, AdapterSettings adapter, SinkSender sender, SourceMetrics metrics, Vertx vertx, Clock clock) {
        this.settings = settings;
        this.adapter = adapter;
        this.sender = sender;
        this.metrics = metrics;
        this.vertx = vertx;
        this.clock = clock;
        this.ticker = new CronTicker(settings.schedule(), settings.zone());
        sleepUntil(ticker.next(clock.instant()));
    }

    private void sleepUntil(ZonedDateTime due) {
        if (!running) {
            return;
        }
        long wait = Math.max(1, Duration.between(clock.instant(), due.toInstant()).toMillis());
        timer = vertx.setTimer(wait, t -> {
            if (clock.instant().isBefore(due.toInstant())) {
                sleepUntil(due); // timers may fire a little early
                return;
            }
            CronTicker.Wake w = ticker.wake(due, clock.instant());
            if (w.missed() > 0) {
                LOG.log(Level.WARNING, "{0} tick(s) were missed (paused or starved); firing once for {1}", new Object[] {w.missed(), w.fire()});
                metrics.missedTicks(w.missed());
            }
            fire(w.fire());
            sleepUntil(w.next());
        });
    }

    private void fire(ZonedDateTime tick) {
        CloudEvent event = event(tick);
        sender.send(event, adapter.sink(), adapter.send()).onSuccess(r -> {
            if (!r.accepted()) {
                LOG.log(Level.WARNING, "tick {0} dropped: {1}", new Object[] {tick, r.describe()});
            }
        });
    }

    /** @return the event for a tick */
    CloudEvent event(ZonedDateTime tick) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(UUID.randomUUID().toString()).withType(TYPE)
                .withSource(URI.create("/apis/v1/namespaces/" + adapter.namespace() + "/cronsources/" + adapter.name()))
                .withTime(tick.toOffsetDateTime());
        if (settings.data() != null) {
            b.withData(settings.contentType(), settings.data());
        } else if (settings.contentType() != null) {
            b.withDataContentType(settings.contentType());
        }
        return b.build();
    }

    @Override
    public void close() {
        running = false;
        vertx.cancelTimer(timer);
    }
}
