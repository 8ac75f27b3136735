package dev.kiln.sources.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every webhook receiver does once it knows what it got: answer with a counted outcome, parse the JSON
 * payload, drop unwanted events with a reason, and forward the rest, answering 202 only once the sink accepted
 * (502 otherwise, so the delivery shows as failed at GitHub or GitLab).
 */
public final class Forwarder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdapterSettings adapter;
    private final SinkSender sender;
    private final SourceMetrics metrics;

    /**
     * @param adapter the sink and send policy
     * @param sender sends to the sink
     * @param metrics counts outcomes
     */
    public Forwarder(AdapterSettings adapter, SinkSender sender, SourceMetrics metrics) {
        this.adapter = adapter;
        this.sender = sender;
        this.metrics = metrics;
    }

    /** @return an answer, counted under {@code outcome} */
    public Future<Webhook.Response> answer(int status, String outcome, String message) {
        metrics.request(outcome);
        return Future.succeededFuture(new Webhook.Response(status, message));
    }

    /** @return a delivery refused from its headers alone (its body is never read), counted under {@code outcome} */
    public Webhook.Delivery refuse(int status, String outcome, String message) {
        metrics.request(outcome);
        return Webhook.refused(new Webhook.Response(status, message));
    }

    /**
     * A delivery whose headers were acceptable: its body goes through {@code signature} as it arrives, and once
     * complete, is refused (401) unless a secret signed it, then handed to {@code received}.
     *
     * @param signature the body's signature, or null when the headers alone authenticated it
     * @param headerSecret which secret the headers matched (a GitLab token), -1 when none was checked
     * @param received what an authentic body becomes
     * @return the delivery
     */
    public Webhook.Delivery delivery(BodySignature signature, int headerSecret, java.util.function.Function<byte[], Future<Webhook.Response>> received) {
        return new Webhook.Delivery() {
            @Override
            public Webhook.Response refusal() {
                return null;
            }

            @Override
            public void update(io.vertx.core.buffer.Buffer chunk) {
                if (signature != null) {
                    signature.update(chunk);
                }
            }

            @Override
            public Future<Webhook.Response> complete(byte[] body) {
                int secret = signature != null ? signature.signedBy() : headerSecret;
                if (signature != null && secret < 0) {
                    return answer(401, "unauthorized", signature.mismatch());
                }
                if (secret >= 0) {
                    metrics.signedBy(secret == 0 ? "current" : "previous");
                }
                return received.apply(body);
            }
        };
    }

    /** @return 200 for an authentic event dropped on purpose, counted under {@code reason} */
    public Future<Webhook.Response> drop(String reason, String message) {
        metrics.dropped(reason);
        return answer(200, "dropped", "ignored: " + message);
    }

    /**
     * A parsed payload, or why it could not be parsed.
     *
     * @param json the JSON object, or null
     * @param problem why not, or null
     */
    public record Payload(JsonNode json, String problem) {
    }

    /** @return the body as a JSON object, or the problem to answer 400 with */
    public static Payload parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? new Payload(node, null) : new Payload(null, "payload is not a JSON object");
        } catch (JsonProcessingException e) {
            return new Payload(null, "payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Payload(null, "payload is not JSON: " + e.getMessage());
        }
    }

    /** @return the headers by lower-case name */
    public static Map<String, String> lowerCase(MultiMap headers) {
        Map<String, String> out = new HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    /**
     * Maps an authentic payload and sends the event (with the request's trace context); answers 202 once the sink
     * accepted it, else 502. A payload whose fields cannot make a CloudEvent (a {@code web_url} that is not a URI)
     * gets 400, not a 500.
     */
    public Future<Webhook.Response> forward(java.util.function.Supplier<CloudEvent> mapping, Map<String, String> headers) {
        CloudEvent mapped;
        try {
            mapped = mapping.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return answer(400, "bad_request", "the payload does not make a CloudEvent: " + e.getMessage());
        }
        CloudEvent ce = TraceContext.carry(mapped, headers);
        return sender.send(ce, adapter.sink(), adapter.send()).map(r -> {
            if (r.accepted()) {
                metrics.request("accepted");
                return new Webhook.Response(202, "accepted as " + ce.getType() + " " + ce.getId());
            }
            metrics.request("send_failed");
            return new Webhook.Response(502, "the sink did not accept the event: " + r.describe());
        });
    }
}
