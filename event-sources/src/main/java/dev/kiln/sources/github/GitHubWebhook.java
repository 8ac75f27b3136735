package dev.kiln.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.Env;
import dev.kiln.sources.http.Forwarder;
import dev.kiln.sources.http.Webhook;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Receives GitHub webhook deliveries. From the headers alone, before the body is read: the signature header
 * (401 when missing or malformed), the event and delivery headers (400), the content type ({@code application/json},
 * or {@code application/x-www-form-urlencoded} with the JSON in {@code payload}; 415 otherwise). Then the HMAC,
 * computed while the body streams in (401), the JSON itself (400), then:
 * <ul>
 * <li>{@code ping} is answered 200 and not forwarded: it says the hook was set up, nothing about the repository,
 *     and forwarding it would run functions whenever a hook is created or tested;</li>
 * <li>events not in {@code GITHUB_EVENT_TYPES}, and repositories not in {@code GITHUB_REPOSITORIES}, are answered
 *     200 and dropped, with a metric;</li>
 * <li>everything else is sent to the sink, and the answer is 202 only once the sink accepted it; otherwise 502, so
 *     the delivery shows as failed in GitHub's log and can be redelivered from there (GitHub does not retry).</li>
 * </ul>
 */
public final class GitHubWebhook implements Webhook {

    /**
     * The GitHub-specific settings.
     *
     * @param secret {@code GITHUB_SECRET_TOKEN}: the hook's secret, or null
     * @param previousSecret {@code GITHUB_PREVIOUS_SECRET_TOKEN}: during a rotation, the secret being replaced, also
     *     accepted; or null
     * @param eventTypes {@code GITHUB_EVENT_TYPES}: events to forward (empty or {@code *}: all)
     * @param repositories {@code GITHUB_REPOSITORIES}: {@code owner/repo} or {@code owner} entries to accept (empty: all)
     */
    public record Settings(String secret, String previousSecret, Set<String> eventTypes, List<String> repositories) {

        /** Reads the settings; without a secret, refuses unless {@code GITHUB_ALLOW_UNSIGNED=true}. */
        public static Settings from(Env env) {
            String secret = env.optional("GITHUB_SECRET_TOKEN", null);
            String previous = env.optional("GITHUB_PREVIOUS_SECRET_TOKEN", null);
            if (secret == null && !env.bool("GITHUB_ALLOW_UNSIGNED", false)) {
                env.problem("GITHUB_SECRET_TOKEN is not set: without it anyone who can reach the webhook can send events"
                        + " (set GITHUB_ALLOW_UNSIGNED=true to accept unsigned deliveries anyway)");
            }
            if (previous != null && secret == null) {
                env.problem("GITHUB_PREVIOUS_SECRET_TOKEN is set without GITHUB_SECRET_TOKEN: a rotation needs the new secret");
            }
            return new Settings(secret, previous, Set.copyOf(env.list("GITHUB_EVENT_TYPES")),
                    env.list("GITHUB_REPOSITORIES").stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
        }

        /** @return the accepted secrets, current first */
        List<String> secrets() {
            return previousSecret == null ? List.of(secret) : List.of(secret, previousSecret);
        }
    }

    private final Settings settings;
    private final Forwarder forward;

    /**
     * @param settings GitHub's settings
     * @param adapter the sink and send policy
     * @param sender sends to the sink
     * @param metrics counts outcomes
     */
    public GitHubWebhook(Settings settings, AdapterSettings adapter, SinkSender sender, SourceMetrics metrics) {
        this.settings = settings;
        this.forward = new Forwarder(adapter, sender, metrics);
    }

    @Override
    public Delivery begin(MultiMap h) {
        GitHubSignature.Check check = null;
        if (settings.secret() != null) {
            try {
                check = GitHubSignature.start(settings.secrets(), h.get(GitHubSignature.HEADER), h.get("X-Hub-Signature"));
            } catch (IllegalArgumentException e) {
                return forward.refuse(401, "unauthorized", e.getMessage());
            }
        }
        String event = h.get("X-GitHub-Event");
        if (event == null || event.isBlank()) {
            return forward.refuse(400, "bad_request", "missing X-GitHub-Event header: not a GitHub webhook delivery");
        }
        String delivery = h.get("X-GitHub-Delivery");
        if (delivery == null || delivery.isBlank()) {
            return forward.refuse(400, "bad_request", "missing X-GitHub-Delivery header");
        }
        String contentType = h.get("Content-Type") == null ? "" : h.get("Content-Type").toLowerCase(Locale.ROOT);
        boolean form = contentType.startsWith("application/x-www-form-urlencoded");
        if (!form && !contentType.startsWith("application/json")) {
            return forward.refuse(415, "unsupported_media_type", "Content-Type must be application/json or application/x-www-form-urlencoded, got '"
                    + contentType + "'");
        }
        return forward.delivery(check, -1, body -> received(h, event, delivery, form, body));
    }

    /** What an authenticated delivery becomes. */
    private Future<Response> received(MultiMap h, String event, String delivery, boolean form, byte[] body) {
        byte[] json = form ? formPayload(body) : body;
        if (json == null) {
            return forward.answer(400, "bad_request", "form-encoded delivery without a payload field");
        }
        Forwarder.Payload parsed = Forwarder.parse(json);
        if (parsed.problem() != null) {
            return forward.answer(400, "bad_request", parsed.problem());
        }
        JsonNode payload = parsed.json();
        if (event.equals("ping")) {
            return forward.answer(200, "ping", "pong: the hook reaches Kiln (ping events are not forwarded)");
        }
        if (!settings.eventTypes().isEmpty() && !settings.eventTypes().contains("*") && !settings.eventTypes().contains(event)) {
            return forward.drop("event_type", event + " is not in this source's eventTypes");
        }
        String repository = GitHubEvents.text(payload, "repository", "full_name");
        if (!settings.repositories().isEmpty() && !accepts(repository)) {
            return forward.drop("repository", "repository " + repository + " is not one of this source's repositories");
        }
        Map<String, String> headers = Forwarder.lowerCase(h);
        return forward.forward(() -> GitHubEvents.toCloudEvent(event, delivery, headers, json, payload), headers);
    }

    private boolean accepts(String fullName) {
        if (fullName == null) {
            return false;
        }
        String name = fullName.toLowerCase(Locale.ROOT);
        String owner = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
        return settings.repositories().stream().anyMatch(r -> r.equals(name) || r.equals(owner) || r.equals(owner + "/*"));
    }

    /** @return the JSON of the form's {@code payload} field, or null */
    static byte[] formPayload(byte[] body) {
        String form = new String(body, StandardCharsets.US_ASCII);
        Map<String, String> fields = java.util.Arrays.stream(form.split("&")).map(p -> p.split("=", 2))
                .filter(kv -> kv.length == 2)
                .collect(Collectors.toMap(kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8), (a, b) -> a));
        String payload = fields.get("payload");
        return payload == null ? null : payload.getBytes(StandardCharsets.UTF_8);
    }
}
