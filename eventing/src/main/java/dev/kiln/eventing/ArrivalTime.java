package dev.kiln.eventing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code knativearrivaltime}'s value (RFC 3339, UTC, microseconds), as Knative's broker ingress stamps every event it
 * accepts. The date and time of day are formatted once per second and the fraction appended: formatting a date per
 * event was a twentieth of the plane's allocation (bench/run-eventing's profile).
 */
final class ArrivalTime {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The second last formatted, shared by the event loops (immutable, so a stale read only formats again). */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private ArrivalTime() {
    }

    /** @return now, e.g. {@code 2026-11-28T10:45:06.123456Z} */
    static String now() {
        return format(Instant.now());
    }

    static String format(Instant t) {
        Second s = last;
        if (s.epochSecond() != t.getEpochSecond()) {
            s = new Second(t.getEpochSecond(), SECONDS.format(t));
            last = s;
        }
        int micros = t.getNano() / 1000;
        char[] fraction = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
        for (int i = 6; i >= 1; i--) {
            fraction[i] = (char) ('0' + micros % 10);
            micros /= 10;
        }
        return s.text().concat(new String(fraction));
    }
}
