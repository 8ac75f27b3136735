package dev.kiln.local.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.eventing.delivery.DeliveryMetrics;
import dev.kiln.eventing.journey.Journal;
import dev.kiln.eventing.journey.JourneyView;
import dev.kiln.local.DeadLetterStore;
import dev.kiln.sources.send.SourceMetrics;
import io.cloudevents.CloudEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard {@code kiln dev} serves on its local API, and the JSON {@code kiln events} and {@code kiln trace} read:
 * <ul>
 * <li>{@code GET /}: the page, rendered here: the topology as SVG (from the manifests, {@link Topology}), and empty
 *     tables that {@code dashboard.js} fills;</li>
 * <li>{@code GET /live}: Server-Sent Events, one a second: every resource's state, the counters behind each edge,
 *     the events recorded since the last message, the dead letters' count;</li>
 * <li>{@code GET /events}, {@code GET /trace/<id>}, {@code GET /topology}, {@code GET /dead-letters},
 *     {@code POST /dead-letters/replay?id=}: JSON;</li>
 * <li>{@code GET /metrics}: {@link PlatformMetrics}.</li>
 * </ul>
 * No build step: the page is HTML from Java, one stylesheet and one script served from the jar (docs/decisions.md).
 */
public final class Dashboard {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often {@code /live} sends. */
    static final long LIVE_MILLIS = 1000;

    private final Observed platform;
    private final Vertx vertx;
    private final Supplier<String> eventing;
    private final String script = resource("dashboard.js");
    private final String style = resource("dashboard.css");

    /**
     * @param vertx the local API's Vert.x (its timers drive {@code /live}; blocking reads run on its workers)
     * @param platform what is shown
     * @param eventing the eventing plane's base URL, where dead letters are replayed
     */
    public Dashboard(Vertx vertx, Observed platform, Supplier<String> eventing) {
        this.vertx = vertx;
        this.platform = platform;
        this.eventing = eventing;
    }

    /**
     * @param req a request to the local API
     * @return whether the dashboard answered it
     */
    public boolean handle(HttpServerRequest req) {
        String path = req.path();
        boolean get = req.method() == HttpMethod.GET;
        if (get && path.equals("/")) {
            req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page());
        } else if (get && path.equals("/dashboard.js")) {
            req.response().putHeader("Content-Type", "text/javascript; charset=utf-8").end(script);
        } else if (get && path.equals("/dashboard.css")) {
            req.response().putHeader("Content-Type", "text/css; charset=utf-8").end(style);
        } else if (get && path.equals("/live")) {
            live(req);
        } else if (get && path.equals("/events")) {
            blocking(req, () -> events(req));
        } else if (get && path.startsWith("/trace/") && path.length() > "/trace/".length()) {
            blocking(req, () -> trace(path.substring("/trace/".length())));
        } else if (get && path.equals("/topology")) {
            json(req, 200, topology());
        } else if (get && path.equals("/dead-letters")) {
            blocking(req, this::deadLetters);
        } else if (req.method() == HttpMethod.POST && path.equals("/dead-letters/replay")) {
            String id = req.getParam("id");
            if (id == null) {
                json(req, 400, Map.of("error", "give the dead letter's id: /dead-letters/replay?id=..."));
            } else {
                blocking(req, () -> replay(id));
            }
        } else if (get && path.equals("/metrics")) {
            req.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(PlatformMetrics.render(platform));
        } else {
            return false;
        }
        return true;
    }

    /** A JSON answer: the status and the body. */
    private record Answer(int status, Object body) {
    }

    private void blocking(HttpServerRequest req, Supplier<Object> work) {
        vertx.<Object>executeBlocking(work::get).onComplete(ar -> {
            if (ar.failed()) {
                json(req, 500, Map.of("error", String.valueOf(ar.cause().getMessage())));
            } else if (ar.result() instanceof Answer a) {
                json(req, a.status(), a.body());
            } else {
                json(req, 200, ar.result());
            }
        });
    }

    private static void json(HttpServerRequest req, int status, Object body) {
        try {
            req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            req.response().setStatusCode(500).end(e.getMessage());
        }
    }

    private Journal journal() {
        return platform.plane().journeys().journal();
    }

    private Object events(HttpServerRequest req) {
        Journal journal = journal();
        if (journal == null) {
            return new Answer(409, Map.of("error", "journeys are off in this kiln dev"));
        }
        JourneyView.Query query;
        try {
            String outcome = req.getParam("outcome");
            query = new JourneyView.Query(req.getParam("type"), req.getParam("source"), req.getParam("trigger"),
                    outcome == null ? null : JourneyView.EventOutcome.parse(outcome));
        } catch (IllegalArgumentException e) {
            return new Answer(400, Map.of("error", e.getMessage()));
        }
        long after = Long.parseLong(req.getParam("after", "0"));
        int limit = Integer.parseInt(req.getParam("limit", "50"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("last", journal.last());
        body.put("events", JourneyView.events(journal, after, limit, query));
        return body;
    }

    @SuppressWarnings("unchecked")
    private Object trace(String id) {
        Journal journal = journal();
        if (journal == null) {
            return new Answer(409, Map.of("error", "journeys are off in this kiln dev"));
        }
        Map<String, Object> trace = JourneyView.trace(journal, id);
        List<Map<String, Object>> journeys = (List<Map<String, Object>>) trace.get("journeys");
        if (journeys.isEmpty()) {
            return new Answer(404, Map.of("error", "no journey of " + id + ": this kiln dev has not seen it since it started (journeys live in memory), or it is older than the last "
                    + journal.capacity() + " steps kept (see kiln events)"));
        }
        for (Map<String, Object> j : journeys) {
            j.put("lines", TraceText.lines(j).stream().map(TraceText.Line::describe).toList());
        }
        return trace;
    }

    private Object deadLetters() {
        try {
            List<Map<String, Object>> letters = new ArrayList<>();
            for (DeadLetterStore.Letter l : platform.deadLetters().list()) {
                CloudEvent e = l.event();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", l.id());
                m.put("broker", l.broker());
                m.put("eventId", e.getId());
                m.put("type", e.getType());
                m.put("code", String.valueOf(e.getExtension("knativeerrorcode")));
                m.put("destination", String.valueOf(e.getExtension("knativeerrordest")));
                letters.add(m);
            }
            return letters;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object replay(String id) {
        try {
            DeadLetterStore.Letter letter = platform.deadLetters().get(id);
            if (letter == null) {
                return new Answer(404, Map.of("error", "no dead letter " + id));
            }
            DeadLetterStore.Replay r = platform.deadLetters().replay(letter, eventing.get());
            return new Answer(r.accepted() ? 200 : 502, Map.of("id", id, "status", r.status(), "answer", r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IllegalArgumentException e) {
            return new Answer(400, Map.of("error", e.getMessage()));
        }
    }

    private Topology topology() {
        return Topology.of(platform.resources());
    }

    /** Server-Sent Events: a snapshot at once, then one a second, until the browser goes away. */
    private void live(HttpServerRequest req) {
        req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        long[] after = {Math.max(0, journal() == null ? 0 : journal().last() - 1000)};
        Runnable send = () -> vertx.<String>executeBlocking(() -> JSON.writeValueAsString(snapshot(topology(), after))).onSuccess(json -> {
            if (!req.response().closed()) {
                req.response().write("data: " + json + "\n\n");
            }
        });
        send.run();
        long timer = vertx.setPeriodic(LIVE_MILLIS, t -> send.run());
        req.response().closeHandler(v -> vertx.cancelTimer(timer));
        req.connection().closeHandler(v -> vertx.cancelTimer(timer));
    }

    private Map<String, Object> snapshot(Topology topology, long[] after) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", System.currentTimeMillis());
        s.put("digest", digest(topology)); // edited manifests draw another graph: the page reloads when it changes
        s.put("states", platform.states());
        s.put("edges", edgeCounts(topology));
        Journal journal = journal();
        if (journal != null) {
            long last = journal.last();
            s.put("events", JourneyView.events(journal, after[0], 200, JourneyView.Query.ALL));
            after[0] = last;
        }
        // The letters' ids, so the page reloads the list when it changes (a replayed letter refused again is another one).
        s.put("deadLetters", platform.deadLetters().list().stream().map(DeadLetterStore.Letter::id).toList());
        return s;
    }

    /** Each edge's running totals: events that went along it and those that failed, for the page to turn into rates. */
    private List<Map<String, Long>> edgeCounts(Topology topology) {
        Map<String, DeliveryMetrics> deliveries = platform.plane().metrics().deliveries();
        Map<String, SourceMetrics> sources = platform.sources();
        List<Map<String, Long>> counts = new ArrayList<>();
        for (Topology.Edge e : topology.edges()) {
            long count = 0;
            long errors = 0;
            DeliveryMetrics d = deliveries.get(e.counter());
            if (sources.containsKey(e.counter())) {
                SourceMetrics m = sources.get(e.counter());
                count = (long) m.count("kiln.source.events.sent");
                errors = (long) m.count("kiln.source.send.failures");
            } else if (e.deadLetters() && d != null) {
                count = d.deadLetteredCount(); // a Trigger's own sink
            } else if (e.deadLetters()) {
                for (Topology.Edge t : topology.edges()) { // a Broker's sink: what its Triggers dead-lettered
                    if (t.from().equals(e.from()) && !t.deadLetters() && deliveries.containsKey(t.to())) {
                        count += deliveries.get(t.to()).deadLetteredCount();
                    }
                }
            } else if (d != null && e.from().startsWith("Broker ")) {
                count = d.deliveredCount() + d.deadLetteredCount() + d.droppedCount();
            } else if (d != null) {
                count = d.deliveredCount();
                errors = d.deadLetteredCount() + d.droppedCount();
            }
            counts.add(Map.of("count", count, "errors", errors));
        }
        return counts;
    }

    private String page() {
        Topology t = topology();
        Map<String, Integer> scaleMax = new LinkedHashMap<>();
        platform.resources().forEach(r -> {
            // 0 (the default) is no bound.
            if (r instanceof Function f && f.getSpec() != null && f.getSpec().scale != null && f.getSpec().scale.max != null && f.getSpec().scale.max > 0) {
                scaleMax.put(Topology.id(r), f.getSpec().scale.max);
            }
        });
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"topology\" data-digest=\"").append(digest(t)).append("\" width=\"").append(t.width()).append("\" height=\"").append(t.height())
                .append("\" viewBox=\"0 0 ").append(t.width()).append(' ').append(t.height()).append("\" role=\"img\" aria-label=\"topology\">")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">")
                .append("<path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>");
        Map<String, Topology.Node> byId = new LinkedHashMap<>();
        t.nodes().forEach(n -> byId.put(n.id(), n));
        for (int i = 0; i < t.edges().size(); i++) {
            Topology.Edge e = t.edges().get(i);
            Topology.Node a = byId.get(e.from());
            Topology.Node b = byId.get(e.to());
            double x1 = a.x() + Topology.NODE_WIDTH;
            double y1 = a.y() + Topology.NODE_HEIGHT / 2.0;
            double x2 = b.x();
            double y2 = b.y() + Topology.NODE_HEIGHT / 2.0;
            if (x2 <= x1) { // same column or backwards: loop around below
                x2 = b.x() + Topology.NODE_WIDTH / 2.0;
                y2 = b.y() + Topology.NODE_HEIGHT;
            }
            double mx = (x1 + x2) / 2;
            svg.append("<g class=\"edge").append(e.deadLetters() ? " dead" : "").append("\" id=\"edge-").append(i).append("\" data-from=\"")
                    .append(esc(e.from())).append("\" data-to=\"").append(esc(e.to())).append("\">")
                    .append(String.format(java.util.Locale.ROOT, "<path d=\"M%.0f,%.0f C%.0f,%.0f %.0f,%.0f %.0f,%.0f\" marker-end=\"url(#arrow)\"/>",
                            x1, y1, mx, y1, mx, y2, x2, y2))
                    .append(String.format(java.util.Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\">", mx, (y1 + y2) / 2 - 4)).append(esc(e.label()))
                    .append("<tspan class=\"rate\" id=\"rate-").append(i).append("\"></tspan></text></g>");
        }
        for (Topology.Node n : t.nodes()) {
            svg.append("<g class=\"node ").append(n.kind().toLowerCase(java.util.Locale.ROOT)).append("\" data-id=\"").append(esc(n.id()))
                    .append(scaleMax.containsKey(n.id()) ? "\" data-max=\"" + scaleMax.get(n.id()) : "").append("\">")
                    .append("<rect x=\"").append(n.x()).append("\" y=\"").append(n.y()).append("\" width=\"").append(Topology.NODE_WIDTH)
                    .append("\" height=\"").append(Topology.NODE_HEIGHT).append("\" rx=\"6\"/>")
                    .append("<text class=\"title\" x=\"").append(n.x() + 8).append("\" y=\"").append(n.y() + 17).append("\">")
                    .append(esc(n.kind() + " " + n.name())).append("</text>")
                    .append("<text class=\"badge\" x=\"").append(n.x() + 8).append("\" y=\"").append(n.y() + 35).append("\"></text></g>");
        }
        svg.append("</svg>");
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>kiln dev</title>
                <link rel="stylesheet" href="/dashboard.css"></head>
                <body>
                <header><h1>kiln dev</h1><span id="connection">connecting…</span></header>
                <section id="graph"><h2>Topology</h2>%s</section>
                <section id="functions"><h2>Functions</h2><table><thead><tr><th>function</th><th>ready</th><th>instances</th>
                <th>cold start median</th><th>p90</th><th>last</th><th>commit</th></tr></thead><tbody></tbody></table></section>
                <section id="events"><h2>Recent events</h2><table><thead><tr><th>time</th><th>id</th><th>type</th><th>at</th><th>outcome</th>
                <th>matched</th></tr></thead><tbody></tbody></table></section>
                <section id="trace" hidden><h2>Trace <code id="trace-id"></code></h2><ol id="trace-lines"></ol></section>
                <section id="dead-letters"><h2>Dead letters</h2><table><thead><tr><th>id</th><th>broker</th><th>type</th><th>code</th>
                <th>destination</th><th></th></tr></thead><tbody></tbody></table><p id="replay-result"></p></section>
                <script src="/dashboard.js"></script>
                </body></html>
                """.formatted(svg);
    }

    private static String digest(Topology t) {
        return Integer.toHexString(t.hashCode());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks dev/kiln/local/observe/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
