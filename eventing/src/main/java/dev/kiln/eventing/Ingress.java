package dev.kiln.eventing;

import dev.kiln.eventing.journey.IngressTrace;
import dev.kiln.eventing.journey.Step;
import dev.kiln.eventing.journey.TraceContext;
import dev.kiln.http.BodyGate;
import dev.kiln.http.CeHeaderValues;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP ingress, as Knative's MT broker ingress answers: POST only (OPTIONS for webhook validation), 400 for
 * something that is not a valid CloudEvent, 404 for an unknown Broker, 413 for an oversized event, 429 with
 * {@code Retry-After} when a lane is full, and 202 once the event is queued for every matching Trigger.
 *
 * <p>Bodies are read through a {@link BodyGate}: the size is checked while a body arrives, chunked or not (Vert.x's
 * {@code request.body()} would buffer any size first), the bytes held at once and the requests in flight are
 * bounded (429 with {@code Retry-After}), and a sender gets {@link #BODY_TIMEOUT} to send its body (408).
 */
final class Ingress implements Handler<HttpServerRequest> {

    /** Requests read or answered at once: far above what the lanes take, only a bound on what a flood holds. */
    static final int MAX_CONCURRENT_REQUESTS = 2048;
    /** How long a sender has to send its whole body once its headers arrived. */
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);

    private final EventingPlane plane;
    private final BodyGate gate;

    Ingress(EventingPlane plane, Vertx vertx, int maxBodyBytes) {
        this.plane = plane;
        this.gate = new BodyGate(vertx, new BodyGate.Limits(maxBodyBytes, BodyGate.Limits.heldBytesForThisHeap(),
                MAX_CONCURRENT_REQUESTS, BODY_TIMEOUT), reason -> { });
    }

    @Override
    public void handle(HttpServerRequest req) {
        String[] path = segments(req.path());
        if (req.method() != HttpMethod.POST) {
            reply(req, 405, "events are POSTed");
            return;
        }
        boolean flow = path.length == 3 && (path[0].equals("sequences") || path[0].equals("parallels"));
        if (path.length != 2 && !flow) {
            reply(req, path.length == 1 && path[0].isEmpty() ? 404 : 400,
                    "post to /<namespace>/<broker>, /sequences/<namespace>/<name> or /parallels/<namespace>/<name>");
            return;
        }
        gate.read(req, null, body -> {
            String target = flow ? path[0].substring(0, path[0].length() - 1) + " " + path[1] + "/" + path[2]
                    : "broker " + path[0] + "/" + path[1];
            String traceparent = req.getHeader(TraceContext.TRACEPARENT);
            // The plane's own deliveries say Kn-Namespace, as Knative's do: such an arrival is the same event going on.
            boolean forwarded = req.getHeader("Kn-Namespace") != null;
            CloudEvent event;
            try {
                event = decode(req, body);
            } catch (RuntimeException e) {
                // Recorded too: "where did my event go" has an answer when the event never was one.
                IngressTrace refused = IngressTrace.start(plane.journeys(), traceparent, null, capitalized(target), forwarded);
                if (refused != null) {
                    refused.finished(null, Step.Outcome.REFUSED, "not a valid CloudEvent (" + body.length + " bytes): " + e.getMessage());
                }
                reply(req, 400, "not a valid CloudEvent: " + e.getMessage());
                return;
            }
            Future<EventingPlane.Admission> admission;
            try {
                admission = flow ? plane.publishToFlow(path[0], path[1], path[2], event, traceparent, forwarded)
                        : plane.publish(path[0], path[1], event, traceparent, forwarded);
            } catch (IllegalArgumentException e) {
                reply(req, 400, e.getMessage());
                return;
            }
            // A durable Broker answers from Kafka's producer thread: respond on the request's own event loop.
            Context context = Vertx.currentContext();
            admission.onComplete(ar -> {
                if (Vertx.currentContext() == context) {
                    answer(req, target, ar.result());
                } else {
                    context.runOnContext(v -> answer(req, target, ar.result()));
                }
            });
        });
    }

    private static void answer(HttpServerRequest req, String target, EventingPlane.Admission admission) {
        switch (admission) {
            case ACCEPTED -> req.response().setStatusCode(202).end();
            case FULL -> {
                req.response().putHeader("Retry-After", "1");
                reply(req, 429, admission.why(target));
            }
            case UNAVAILABLE -> {
                req.response().putHeader("Retry-After", "1");
                reply(req, 503, admission.why(target));
            }
            case TTL_EXHAUSTED -> reply(req, 400, admission.why(target));
            case NOT_FOUND -> reply(req, 404, admission.why(target));
            case NOT_READY -> reply(req, 503, admission.why(target));
        }
    }

    /** "broker a/b" as a journey names it: "Broker a/b". */
    private static String capitalized(String target) {
        return Character.toUpperCase(target.charAt(0)) + target.substring(1);
    }

    /**
     * @param path the request's path
     * @return its non-empty segments ({@code //a//b/} is {@code a, b}), or one empty segment when there is none; by
     *     hand, as this runs for every event (a regex replace and split cost a tenth of the plane's allocation)
     */
    static String[] segments(String path) {
        java.util.List<String> parts = new java.util.ArrayList<>(3);
        int i = 0;
        int n = path.length();
        while (i < n) {
            while (i < n && path.charAt(i) == '/') {
                i++;
            }
            int start = i;
            while (i < n && path.charAt(i) != '/') {
                i++;
            }
            if (i > start) {
                parts.add(path.substring(start, i));
            }
        }
        return parts.isEmpty() ? new String[] {""} : parts.toArray(new String[0]);
    }

    private static CloudEvent decode(HttpServerRequest req, byte[] body) {
        // The request's own headers, read in place (the reader matches names without case): no copy per event.
        MultiMap headers = req.headers();
        boolean binary = false;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().regionMatches(true, 0, "ce-", 0, 3)) {
                binary = true;
                break;
            }
        }
        String contentType = headers.get("content-type");
        if (!binary && (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents"))) {
            throw new IllegalArgumentException("send ce-* headers (binary mode) or application/cloudevents+json");
        }
        // ce- values percent-decoded as the binding says (3.1.3.2), as they are read.
        CloudEvent event = HttpMessageFactory.createReader(each -> headers.forEach((name, value) -> each.accept(name,
                CeHeaderValues.isCe(name) ? CeHeaderValues.decode(value) : value)), body).toEvent();
        // CloudEvents 1.0: id, source and type MUST be non-empty. The SDK's reader checks only that they are there;
        // Knative's ingress refuses an empty one, and so does Kiln's, rather than route an event nobody can name.
        for (String[] required : new String[][] {{"id", event.getId()}, {"source", event.getSource().toString()}, {"type", event.getType()}}) {
            if (required[1].isEmpty()) {
                throw new IllegalArgumentException(required[0] + " is empty (id, source and type must be non-empty)");
            }
        }
        return event;
    }

    private static void reply(HttpServerRequest req, int status, String message) {
        req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
    }
}
