package dev.kiln.eventing.otel;

import dev.kiln.eventing.journey.SpanExport;
import dev.kiln.eventing.journey.Step;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The plane's journey steps as OpenTelemetry spans, sent over OTLP/HTTP: loaded (by name, from {@link SpanExport}) only
 * when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set. Every {@code OTEL_*} setting is read by the SDK's autoconfigure
 * (endpoint, headers, timeout, service name, resource attributes); traces only, over {@code http/protobuf} unless
 * configured otherwise.
 *
 * <p>Spans follow the messaging conventions Knative's data plane uses: {@code messaging.system=knative},
 * {@code messaging.operation.name} ({@code receive} at ingress, {@code send} for a delivery, {@code process} for a
 * filter or a reply), {@code messaging.destination.name} ({@code broker:<name>.<namespace>},
 * {@code trigger:<name>.<namespace>}...), {@code messaging.message.id}, the event's {@code cloudevents.*} attributes,
 * and {@code kn.broker.*}. Their ids are the journey's own, so a function or a source that traces joins the same
 * trace through the {@code traceparent} the plane sends.
 *
 * <p>The SDK's BatchSpanProcessor takes only spans its own tracer started, and a step is a span that already ended,
 * with ids of the plane's; so finished steps go through a small queue of their own to the exporter autoconfigure
 * built. A full queue drops (counted, logged once), never blocks the event path.
 */
public final class OtlpSpanExport implements SpanExport {

    private static final Logger LOG = Logger.getLogger(OtlpSpanExport.class.getName());
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.kiln.eventing");
    private static final int QUEUE = 4096;
    private static final int BATCH = 512;
    private static final long FLUSH_MILLIS = 500;

    private final OpenTelemetrySdk sdk;
    private final SpanExporter exporter;
    private final Resource resource;
    private final BlockingQueue<SpanData> queue = new ArrayBlockingQueue<>(QUEUE);
    private final LongAdder dropped = new LongAdder();
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param env the {@code OTEL_*} settings (the process environment, or a test's)
     * @param serviceName {@code service.name} unless {@code OTEL_SERVICE_NAME} says otherwise
     */
    public OtlpSpanExport(Map<String, String> env, String serviceName) {
        AtomicReference<SpanExporter> built = new AtomicReference<>();
        AtomicReference<Resource> described = new AtomicReference<>();
        this.sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> properties(env, serviceName))
                .addSpanExporterCustomizer((e, config) -> {
                    built.set(e);
                    return e;
                })
                .addResourceCustomizer((r, config) -> {
                    described.set(r);
                    return r;
                })
                .disableShutdownHook()
                .build().getOpenTelemetrySdk();
        this.exporter = built.get();
        this.resource = described.get();
        if (exporter == null) {
            sdk.close();
            throw new IllegalStateException("OTEL_TRACES_EXPORTER names no span exporter the plane can use (it uses otlp)");
        }
        this.worker = new Thread(this::run, "kiln-otlp-export");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * The settings autoconfigure reads, as properties: the given environment's {@code OTEL_*} variables, over Kiln's
     * defaults (traces only, {@code http/protobuf}, the plane's service name). The process's own environment and system
     * properties still win, as autoconfigure always lets them.
     */
    static Map<String, String> properties(Map<String, String> env, String serviceName) {
        Map<String, String> p = new HashMap<>();
        p.put("otel.metrics.exporter", "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.exporter.otlp.protocol", "http/protobuf");
        p.put("otel.service.name", serviceName);
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                p.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return p;
    }

    @Override
    public void export(Step step) {
        if (!queue.offer(new StepSpan(step, resource))) {
            dropped.increment();
            if (dropped.sum() == 1) {
                LOG.warning("OpenTelemetry export is behind: spans are dropped (the journal keeps every step)");
            }
        }
    }

    private void run() {
        List<SpanData> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                SpanData first = queue.poll(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
            } catch (InterruptedException e) {
                closed = true;
            }
            if (!batch.isEmpty()) {
                exporter.export(List.copyOf(batch)).join(10, TimeUnit.SECONDS);
                batch.clear();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            worker.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }

    /** A finished step as the exporter reads a span. */
    record StepSpan(Step step, Resource resource) implements SpanData {

        @Override
        public String getName() {
            return destination(step) + " " + operation(step);
        }

        @Override
        public SpanKind getKind() {
            return switch (step.kind()) {
                case INGRESS -> SpanKind.CONSUMER;
                case DELIVERY -> SpanKind.PRODUCER;
                default -> SpanKind.INTERNAL;
            };
        }

        @Override
        public SpanContext getSpanContext() {
            return SpanContext.create(step.trace(), step.span(), TraceFlags.getSampled(), TraceState.getDefault());
        }

        @Override
        public SpanContext getParentSpanContext() {
            return step.parent() == null ? SpanContext.getInvalid()
                    : SpanContext.createFromRemoteParent(step.trace(), step.parent(), TraceFlags.getSampled(), TraceState.getDefault());
        }

        @Override
        public StatusData getStatus() {
            return switch (step.outcome()) {
                case REFUSED, TTL_DROPPED, DROPPED, DEAD_LETTERED -> StatusData.create(StatusCode.ERROR, step.detail());
                default -> StatusData.unset();
            };
        }

        @Override
        public long getStartEpochNanos() {
            return step.epochMicros() * 1000;
        }

        @Override
        public long getEndEpochNanos() {
            return (step.epochMicros() + step.micros()) * 1000;
        }

        @Override
        public Attributes getAttributes() {
            AttributesBuilder a = Attributes.builder()
                    .put("messaging.system", "knative")
                    .put("messaging.operation.name", operation(step))
                    .put("messaging.destination.name", destination(step))
                    .put("kiln.step", step.kind().name().toLowerCase(Locale.ROOT))
                    .put("kiln.outcome", step.outcome().name().toLowerCase(Locale.ROOT));
            put(a, "messaging.message.id", step.eventId());
            put(a, "cloudevents.type", step.type());
            put(a, "cloudevents.source", step.source());
            put(a, "kiln.target", step.target());
            put(a, "kiln.detail", step.detail());
            String[] kindAndName = step.resource().split(" ", 2);
            if (kindAndName.length == 2) {
                String[] nsName = kindAndName[1].split("/", 2);
                String prefix = "kn." + kindAndName[0].toLowerCase(Locale.ROOT);
                a.put(prefix + ".namespace", nsName[0]).put(prefix + ".name", nsName.length > 1 ? nsName[1] : "");
            }
            if (!step.attempts().isEmpty()) {
                a.put(AttributeKey.longKey("http.response.status_code"), step.attempts().get(step.attempts().size() - 1).status());
            }
            return a.build();
        }

        private static void put(AttributesBuilder a, String key, String value) {
            if (value != null) {
                a.put(key, value);
            }
        }

        @Override
        public List<EventData> getEvents() {
            List<EventData> events = new ArrayList<>();
            long at = getStartEpochNanos();
            for (Step.FilterMatch f : step.filters()) {
                events.add(EventData.create(at, "filter", Attributes.builder().put("kn.trigger", f.trigger()).put("kiln.matched", f.matched()).build()));
            }
            for (Step.Attempt t : step.attempts()) {
                AttributesBuilder a = Attributes.builder().put("kiln.attempt", t.number()).put("url.full", t.target())
                        .put(AttributeKey.longKey("http.response.status_code"), t.status()).put(AttributeKey.longKey("kiln.micros"), t.micros());
                put(a, "error.type", t.error());
                if (t.retryInMillis() >= 0) {
                    a.put(AttributeKey.longKey("kiln.retry_in_ms"), t.retryInMillis());
                }
                events.add(EventData.create(at, "attempt", a.build()));
            }
            return events;
        }

        @Override
        public List<LinkData> getLinks() {
            return step.link() == null || step.link().equals(step.parent()) ? List.of()
                    : List.of(LinkData.create(SpanContext.create(step.trace(), step.link(), TraceFlags.getSampled(), TraceState.getDefault())));
        }

        @Override
        public boolean hasEnded() {
            return true;
        }

        @Override
        public int getTotalRecordedEvents() {
            return getEvents().size();
        }

        @Override
        public int getTotalRecordedLinks() {
            return getLinks().size();
        }

        @Override
        public int getTotalAttributeCount() {
            return getAttributes().size();
        }

        @Override
        @SuppressWarnings("deprecation")
        public io.opentelemetry.sdk.common.InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
            return io.opentelemetry.sdk.common.InstrumentationLibraryInfo.create(SCOPE.getName(), null);
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return SCOPE;
        }

        @Override
        public Resource getResource() {
            return resource;
        }

        /** Knative's destination names: {@code broker:<name>.<namespace>}, {@code trigger:<name>.<namespace>}... */
        static String destination(Step step) {
            String[] kindAndName = step.resource().split(" ", 2);
            if (kindAndName.length < 2) {
                return step.resource();
            }
            String[] nsName = kindAndName[1].split("/", 2);
            return kindAndName[0].toLowerCase(Locale.ROOT) + ":" + (nsName.length > 1 ? nsName[1] + "." + nsName[0] : nsName[0]);
        }

        static String operation(Step step) {
            return switch (step.kind()) {
                case INGRESS -> "receive";
                case DELIVERY -> "send";
                default -> "process";
            };
        }
    }
}
