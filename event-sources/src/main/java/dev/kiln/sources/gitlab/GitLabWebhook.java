package dev.kiln.sources.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.sources.v1alpha1.GitLabEventTypes;
import dev.kiln.sources.AdapterSettings;
import dev.kiln.sources.Env;
import dev.kiln.sources.http.Forwarder;
import dev.kiln.sources.http.Webhook;
import dev.kiln.sources.send.SinkSender;
import dev.kiln.sources.send.SourceMetrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Receives GitLab webhook deliveries. From the headers alone, before the body is read: {@code X-Gitlab-Token}
 * compared in constant time with the secret token (and, during a rotation, the previous one), and when a signing
 * token is configured, {@code webhook-signature}'s presence and {@code webhook-timestamp}'s freshness (401); the
 * event header (400). Then the signing token's HMAC, computed while the body streams in (401), the JSON (400);
 * events not in {@code GITLAB_EVENT_TYPES} and projects not in {@code GITLAB_PROJECTS} are answered 200 and dropped
 * with a metric; everything else is sent to the sink and answered 202 only once the sink accepted it (else 502).
 */
public final class GitLabWebhook implements Webhook {

    /**
     * The GitLab-specific settings.
     *
     * @param secrets {@code GITLAB_SECRET_TOKEN} then {@code GITLAB_PREVIOUS_SECRET_TOKEN} (a rotation); empty: none
     * @param signingTokens {@code GITLAB_SIGNING_TOKEN} then {@code GITLAB_PREVIOUS_SIGNING_TOKEN}; empty: none
     * @param hooks the {@code X-Gitlab-Event} values to forward, from {@code GITLAB_EVENT_TYPES} (empty: all)
     * @param projects {@code GITLAB_PROJECTS}: {@code group/project} paths or project URLs to accept (empty: all)
     */
    public record Settings(List<String> secrets, List<String> signingTokens, Set<String> hooks, List<String> projects) {

        /** Reads the settings; without a secret or signing token, refuses unless {@code GITLAB_ALLOW_UNSIGNED=true}. */
        public static Settings from(Env env) {
            List<String> secrets = pair(env, "GITLAB_SECRET_TOKEN", "GITLAB_PREVIOUS_SECRET_TOKEN");
            List<String> signing = pair(env, "GITLAB_SIGNING_TOKEN", "GITLAB_PREVIOUS_SIGNING_TOKEN");
            for (String token : signing) {
                try {
                    GitLabSignature.key(token);
                } catch (IllegalArgumentException e) {
                    env.problem("GITLAB_SIGNING_TOKEN: a whsec_ token must be base64 after its prefix");
                }
            }
            if (secrets.isEmpty() && signing.isEmpty() && !env.bool("GITLAB_ALLOW_UNSIGNED", false)) {
                env.problem("GITLAB_SECRET_TOKEN is not set: without it anyone who can reach the webhook can send events"
                        + " (set GITLAB_ALLOW_UNSIGNED=true to accept unauthenticated deliveries anyway)");
            }
            Set<String> hooks = new HashSet<>();
            for (String type : env.list("GITLAB_EVENT_TYPES")) {
                String header = GitLabEventTypes.HOOK_HEADERS.get(type);
                if (header == null) {
                    env.problem("GITLAB_EVENT_TYPES: unknown event type '" + type + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(GitLabEventTypes.HOOK_HEADERS.keySet())) + ")");
                } else {
                    hooks.add(header);
                    if (type.equals("job_events")) {
                        hooks.add("Build Hook"); // what GitLab called job events before 9.x; still sent by old instances
                    }
                }
            }
            return new Settings(secrets, signing, Set.copyOf(hooks), env.list("GITLAB_PROJECTS").stream()
                    .map(p -> p.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList());
        }

        private static List<String> pair(Env env, String current, String previous) {
            String now = env.optional(current, null);
            String before = env.optional(previous, null);
            if (before != null && now == null) {
                env.problem(previous + " is set without " + current + ": a rotation needs the new value");
                return List.of();
            }
            return now == null ? List.of() : before == null ? List.of(now) : List.of(now, before);
        }
    }

    private final Settings settings;
    private final Forwarder forward;
    private final List<byte[]> signingKeys;
    private final Clock clock;

    /**
     * @param settings GitLab's settings
     * @param adapter the sink and send policy
     * @param sender sends to the sink
     * @param metrics counts outcomes
     * @param clock checks {@code webhook-timestamp}
     */
    public GitLabWebhook(Settings settings, AdapterSettings adapter, SinkSender sender, SourceMetrics metrics, Clock clock) {
        this.settings = settings;
        this.forward = new Forwarder(adapter, sender, metrics);
        this.signingKeys = settings.signingTokens().stream().map(GitLabSignature::key).toList();
        this.clock = clock;
    }

    @Override
    public Delivery begin(MultiMap h) {
        int tokenMatched = -1;
        if (!settings.secrets().isEmpty()) {
            String token = h.get("X-Gitlab-Token");
            if (token == null) {
                return forward.refuse(401, "unauthorized", "missing X-Gitlab-Token header (set the webhook's secret token in GitLab)");
            }
            tokenMatched = matching(settings.secrets(), token);
            if (tokenMatched < 0) {
                return forward.refuse(401, "unauthorized", "X-Gitlab-Token does not match the configured secret token");
            }
        }
        GitLabSignature.Check check = null;
        if (!signingKeys.isEmpty()) {
            try {
                check = GitLabSignature.start(signingKeys, h.get("webhook-id"), h.get("webhook-timestamp"), h.get(GitLabSignature.HEADER), clock);
            } catch (IllegalArgumentException e) {
                return forward.refuse(401, "unauthorized", e.getMessage());
            }
        }
        String hook = h.get("X-Gitlab-Event");
        if (hook == null || hook.isBlank()) {
            return forward.refuse(400, "bad_request", "missing X-Gitlab-Event header: not a GitLab webhook delivery");
        }
        return forward.delivery(check, tokenMatched, body -> received(h, hook.trim(), body));
    }

    private Future<Response> received(MultiMap h, String hook, byte[] body) {
        Forwarder.Payload parsed = Forwarder.parse(body);
        if (parsed.problem() != null) {
            return forward.answer(400, "bad_request", parsed.problem());
        }
        JsonNode payload = parsed.json();
        if (!settings.hooks().isEmpty() && !settings.hooks().contains(hook)) {
            return forward.drop("event_type", hook + " is not in this source's eventTypes");
        }
        String path = GitLabEvents.text(payload, "project", "path_with_namespace");
        String url = GitLabEvents.text(payload, "project", "web_url");
        if (!settings.projects().isEmpty() && !accepts(path, url)) {
            return forward.drop("project", "project " + (path != null ? path : url) + " is not one of this source's projects");
        }
        Map<String, String> headers = Forwarder.lowerCase(h);
        return forward.forward(() -> GitLabEvents.toCloudEvent(hook, h.get("Idempotency-Key"), h.get("X-Gitlab-Event-UUID"),
                h.get("X-Gitlab-Instance"), body, payload), headers);
    }

    /** @return the index of the first secret equal to {@code given}, comparing with every one so the time says nothing */
    private static int matching(List<String> secrets, String given) {
        int matched = -1;
        for (int i = 0; i < secrets.size(); i++) {
            if (sameSecret(secrets.get(i), given) && matched < 0) {
                matched = i;
            }
        }
        return matched;
    }

    private boolean accepts(String path, String url) {
        return settings.projects().stream().anyMatch(p -> p.equalsIgnoreCase(path == null ? "" : path)
                || p.equalsIgnoreCase(url == null ? "" : url));
    }

    /** Constant time whatever the lengths: both sides are hashed first, then compared with {@link MessageDigest#isEqual}. */
    static boolean sameSecret(String expected, String given) {
        try {
            MessageDigest a = MessageDigest.getInstance("SHA-256");
            MessageDigest b = MessageDigest.getInstance("SHA-256");
            return MessageDigest.isEqual(a.digest(expected.getBytes(StandardCharsets.UTF_8)), b.digest(given.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

}
