package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** When to send an event and what it carries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CronSourceSpec extends SourceSpec {

    /** Every minute, as PingSource's default. */
    public static final String DEFAULT_SCHEDULE = "* * * * *";
    /** Schedules are read in UTC unless a time zone is given, the same on every machine. */
    public static final String DEFAULT_TIMEZONE = "UTC";

    /** Cron schedule: 5 fields, 6 with leading seconds, or @hourly, @daily... (default: every minute). */
    public String schedule;

    /** IANA time zone the schedule is read in, e.g. Europe/Paris (default: UTC). */
    public String timezone;

    /** Event data as text; at most one of data and dataBase64. */
    public String data;

    /** Event data as base64, for binary payloads; at most one of data and dataBase64. */
    public String dataBase64;

    /** Media type of the data, e.g. application/json (then data must be a JSON object). */
    public String contentType;
}
