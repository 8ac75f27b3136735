package dev.kiln.sources.cron;

import com.cronutils.model.time.ExecutionTime;
import dev.kiln.api.validation.CronSchedules;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * When a cron schedule fires, and what happens to ticks that were missed. Pure: the runner passes the clock's
 * time in, so tests drive it with any clock.
 *
 * <p><b>Missed ticks</b> (the process was paused, suspended or starved past one or more ticks): the schedule fires
 * <em>once</em> on waking, for the most recent missed tick, and the older ones are counted and dropped. This is
 * what Knative's PingSource does (robfig/cron runs an overdue entry once, then schedules from now): a laptop waking
 * from a night's sleep sends one {@code @hourly} event, not eight.
 */
public final class CronTicker {

    /**
     * What to do on waking.
     *
     * @param fire the tick to fire for (its scheduled time)
     * @param missed older ticks that were due and are dropped
     * @param next the next tick after now
     */
    public record Wake(ZonedDateTime fire, long missed, ZonedDateTime next) {
    }

    private final ExecutionTime schedule;
    private final ZoneId zone;

    /**
     * @param schedule 5 fields, 6 with seconds first, or a descriptor such as {@code @hourly}
     * @param zone the time zone the schedule is read in
     */
    public CronTicker(String schedule, ZoneId zone) {
        this.schedule = ExecutionTime.forCron(CronSchedules.parse(schedule));
        this.zone = zone;
    }

    /** @return the first tick strictly after {@code now} */
    public ZonedDateTime next(Instant now) {
        // Whole seconds: cron-utils keeps the reference time's nanoseconds in what it returns.
        return schedule.nextExecution(now.atZone(zone).truncatedTo(ChronoUnit.SECONDS)).map(t -> t.truncatedTo(ChronoUnit.SECONDS))
                .orElseThrow(() -> new IllegalStateException("the schedule never fires again"));
    }

    /**
     * @param due the tick the runner slept towards
     * @param now the time it woke
     * @return the tick to fire, how many ticks were missed, and the next tick
     */
    public Wake wake(ZonedDateTime due, Instant now) {
        ZonedDateTime latest = due;
        long missed = 0;
        for (ZonedDateTime t = next(due.toInstant()); !t.toInstant().isAfter(now); t = next(t.toInstant())) {
            latest = t;
            missed++;
        }
        return new Wake(latest, missed, next(now));
    }
}
