package dev.kiln.eventing.journey;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.util.List;

/**
 * What the plane records of the events it carries: each step into the {@link Journal} (when journeys are kept) and,
 * when OpenTelemetry is configured, out as a span. {@link #OFF} records nothing, and the plane then does nothing
 * for it on the event path but ask {@link #on()}: no trace context is made and no event is rebuilt.
 */
public final class Journeys implements AutoCloseable {

    /** Records nothing. */
    public static final Journeys OFF = new Journeys(null, null);

    /** Events larger than this are kept without their data. */
    static final int MAX_KEPT_DATA = 4096;

    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_EPOCH_MICROS = System.currentTimeMillis() * 1000;

    private final Journal journal;
    private final SpanExport export;
    private final boolean on;

    private Journeys(Journal journal, SpanExport export) {
        this.journal = journal;
        this.export = export;
        this.on = journal != null || export != null;
    }

    /**
     * @param capacity steps the journal keeps; 0 keeps none
     * @param export where steps are exported, or null
     * @return the recorder ({@link #OFF} when neither is asked for)
     */
    public static Journeys of(int capacity, SpanExport export) {
        if (capacity < 0) {
            throw new IllegalArgumentException("journeys must be 0 (off) or more steps, not " + capacity);
        }
        return capacity == 0 && export == null ? OFF : new Journeys(capacity == 0 ? null : new Journal(capacity), export);
    }

    /** @return whether anything is recorded: the one question the event path asks when nobody looks */
    public boolean on() {
        return on;
    }

    /** @return the journal, or null when journeys are not kept */
    public Journal journal() {
        return journal;
    }

    /** @return the current time for a step's start, on the journal's clock */
    public static long now() {
        return System.nanoTime();
    }

    /**
     * The trace context of a step that starts from an event: a child of the span the event carries, or a new trace.
     *
     * @param incoming the span the event came with (an HTTP {@code traceparent} or the event's extension), or null
     * @return a new span
     */
    public static TraceContext next(TraceContext incoming) {
        return incoming == null ? TraceContext.root() : incoming.child();
    }

    /**
     * @param event an event
     * @param context the span it is sent on with
     * @return the event carrying that span in its {@code traceparent}
     */
    public static CloudEvent carry(CloudEvent event, TraceContext context) {
        return CloudEventBuilder.from(event).withExtension(TraceContext.TRACEPARENT, context.traceparent()).build();
    }

    /**
     * Records a finished step.
     *
     * @param kind what kind
     * @param context its span
     * @param parent the span it belongs under, or null
     * @param link the plane's own step it follows when {@code parent} is another process's span, else null
     * @param resource where it happened
     * @param target where the event went, or null
     * @param event the event
     * @param outcome what happened
     * @param detail why, or null
     * @param filters filter results (at a Broker's ingress), or an empty list
     * @param attempts attempts (of a delivery), or an empty list
     * @param startNanos when it started ({@link #now()})
     * @param keepEvent whether the journal keeps the event itself (ingress), for the trace view and filter explanations
     */
    public void record(Step.Kind kind, TraceContext context, String parent, String link, String resource, String target, CloudEvent event,
            Step.Outcome outcome, String detail, List<Step.FilterMatch> filters, List<Step.Attempt> attempts, long startNanos, boolean keepEvent) {
        if (!on) {
            return;
        }
        long micros = (now() - startNanos) / 1000;
        Step step = new Step(journal == null ? 0 : journal.claim(), BASE_EPOCH_MICROS + (startNanos - BASE_NANOS) / 1000, micros,
                context.traceId(), context.spanId(), parent, link, kind, resource, target,
                event == null ? null : event.getId(), event == null ? null : event.getType(), event == null ? null : event.getSource().toString(),
                outcome, detail, filters, attempts, keepEvent && event != null ? kept(event) : null);
        if (journal != null) {
            journal.add(step);
        }
        if (export != null) {
            export.export(step);
        }
    }

    private static CloudEvent kept(CloudEvent event) {
        if (event.getData() == null || event.getData().toBytes().length <= MAX_KEPT_DATA) {
            return event;
        }
        return CloudEventBuilder.from(event).withoutData()
                .withExtension("kilndatanotkept", event.getData().toBytes().length).build();
    }

    @Override
    public void close() {
        if (export != null) {
            export.close();
        }
    }
}
