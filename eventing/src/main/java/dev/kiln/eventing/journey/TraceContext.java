package dev.kiln.eventing.journey;

import io.cloudevents.CloudEvent;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C trace context ({@code traceparent}: {@code 00-<trace id>-<span id>-<flags>}), as the CloudEvents
 * distributed-tracing extension carries it. The plane gives every step of a journey a span of its own and sends the
 * step's context on with the event, so the next step (a flow's ingress, a function, a reply re-entering a Broker)
 * names it as its parent. Written by hand because the plane must link journeys without the OpenTelemetry SDK loaded.
 *
 * @param traceId 32 lower-case hex digits
 * @param spanId 16 lower-case hex digits
 */
public record TraceContext(String traceId, String spanId) {

    /** The extension (and HTTP header) name. */
    public static final String TRACEPARENT = "traceparent";

    /** @return a new trace with a new root span */
    public static TraceContext root() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new TraceContext(hex(r.nextLong() | 1L, 16) + hex(r.nextLong(), 16), newSpanId());
    }

    /** @return a new span of the same trace */
    public TraceContext child() {
        return new TraceContext(traceId, newSpanId());
    }

    /** @return a new span id: 16 hex digits, never all zero */
    public static String newSpanId() {
        return hex(ThreadLocalRandom.current().nextLong() | 1L, 16);
    }

    /** @return {@code 00-<trace>-<span>-01} (sampled: the plane records every event it sees) */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    /**
     * @param value a {@code traceparent} value, or null
     * @return its context, or null when absent or malformed (a malformed one starts a new trace, as W3C says)
     */
    public static TraceContext parse(String value) {
        if (value == null || value.length() < 55) {
            return null;
        }
        String v = value.trim();
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-' || v.startsWith("ff")) {
            return null;
        }
        String trace = v.substring(3, 35);
        String span = v.substring(36, 52);
        if (!isHex(trace) || !isHex(span) || isZero(trace) || isZero(span)) {
            return null;
        }
        return new TraceContext(trace, span);
    }

    /**
     * @param event an event
     * @return the context its {@code traceparent} extension carries, or null
     */
    public static TraceContext of(CloudEvent event) {
        Object value = event.getExtension(TRACEPARENT);
        return value == null ? null : parse(value.toString());
    }

    private static String hex(long value, int digits) {
        String s = Long.toHexString(value);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
