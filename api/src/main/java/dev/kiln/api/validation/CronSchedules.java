package dev.kiln.api.validation;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Locale;
import java.util.Map;

/**
 * Parses cron schedules the way Knative's PingSource accepts them: the standard 5 fields, an optional
 * leading seconds field (6 fields), and the descriptors {@code @yearly}, {@code @monthly},
 * {@code @weekly}, {@code @daily}, {@code @midnight} and {@code @hourly}. {@code @every} is refused, as
 * PingSource refuses it. Validation (api) and scheduling (event-sources) both call this, so they agree.
 */
public final class CronSchedules {

    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private static final CronDefinition WITH_SECONDS = CronDefinitionBuilder.defineCron()
            .withSeconds().and()
            .withMinutes().and()
            .withHours().and()
            .withDayOfMonth().supportsL().supportsW().supportsQuestionMark().and()
            .withMonth().and()
            .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0)
            .supportsL().supportsHash().supportsQuestionMark().and()
            .instance();

    private static final CronParser UNIX = new CronParser(
            CronDefinitionBuilder.instanceDefinitionFor(com.cronutils.model.CronType.UNIX));
    private static final CronParser SECONDS = new CronParser(WITH_SECONDS);

    private CronSchedules() {
    }

    /**
     * @param schedule a cron schedule
     * @return the parsed schedule, validated
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static Cron parse(String schedule) {
        if (schedule == null || schedule.isBlank()) {
            throw new IllegalArgumentException("must be a cron schedule such as \"*/5 * * * *\"");
        }
        String s = schedule.trim();
        if (s.startsWith("@")) {
            String expanded = DESCRIPTORS.get(s.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw new IllegalArgumentException("unsupported descriptor " + s
                        + " (use @yearly, @monthly, @weekly, @daily, @midnight, @hourly or 5 cron fields)");
            }
            s = expanded;
        }
        if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) {
            throw new IllegalArgumentException("set the time zone in spec.timezone, not in the schedule");
        }
        int fields = s.split("\\s+").length;
        try {
            Cron cron = switch (fields) {
                case 5 -> UNIX.parse(s);
                case 6 -> SECONDS.parse(s);
                default -> throw new IllegalArgumentException("has " + fields
                        + " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)");
            };
            return cron.validate();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("has ")) {
                throw e;
            }
            String detail = String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", "");
            throw new IllegalArgumentException("invalid cron schedule \"" + schedule + "\": " + detail, e);
        }
    }
}
