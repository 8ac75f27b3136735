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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Receives GitLab webhook deliveries: {@code X-Gitlab-Token} compared in constant time (401), JSON parsed (400),
 * events not in {@code GITLAB_EVENT_TYPES} and projects not in {@code GITLAB_PROJECTS} answered 200 and dropped with
 * a metric, everything else sent to the sink and answered 202 only once the sink accepted it (else 502).
 *
 * <p>GitLab's newer HMAC signing token (Standard Webhooks, {@code webhook-signature}) is behind a feature flag in
 * GitLab and not checked here yet; the secret token is.
 */
public final class GitLabWebhook implements Webhook {

    /**
     * The GitLab-specific settings.
     *
     * @param secret {@code GITLAB_SECRET_TOKEN}, or null
     * @param hooks the {@code X-Gitlab-Event} values to forward, from {@code GITLAB_EVENT_TYPES} (empty: all)
     * @param projects {@code GITLAB_PROJECTS}: {@code group/project} paths or project URLs to accept (empty: all)
     */
    public record Settings(String secret, Set<String> hooks, List<String> projects) {

        /** Reads the settings; without a secret, refuses unless {@code GITLAB_ALLOW_UNSIGNED=true}. */
        public static Settings from(Env env) {
            String secret = env.optional("GITLAB_SECRET_TOKEN", null);
            if (secret == null && !env.bool("GITLAB_ALLOW_UNSIGNED", false)) {
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
            return new Settings(secret, Set.copyOf(hooks), env.list("GITLAB_PROJECTS").stream()
                    .map(p -> p.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList());
        }
    }

    private final Settings settings;
    private final Forwarder forward;

    /**
     * @param settings GitLab's settings
     * @param adapter the sink and send policy
     * @param sender sends to the sink
     * @param metrics counts outcomes
     */
    public GitLabWebhook(Settings settings, AdapterSettings adapter, SinkSender sender, SourceMetrics metrics) {
        this.settings = settings;
        this.forward = new Forwarder(adapter, sender, metrics);
    }

    @Override
    public Future<Response> handle(Request request) {
        var h = request.headers();
        if (settings.secret() != null) {
            String token = h.get("X-Gitlab-Token");
            if (token == null) {
                return forward.answer(401, "unauthorized", "missing X-Gitlab-Token header (set the webhook's secret token in GitLab)");
            }
            if (!sameSecret(settings.secret(), token)) {
                return forward.answer(401, "unauthorized", "X-Gitlab-Token does not match the configured secret token");
            }
        }
        String hook = h.get("X-Gitlab-Event");
        if (hook == null || hook.isBlank()) {
            return forward.answer(400, "bad_request", "missing X-Gitlab-Event header: not a GitLab webhook delivery");
        }
        Forwarder.Payload parsed = Forwarder.parse(request.body());
        if (parsed.problem() != null) {
            return forward.answer(400, "bad_request", parsed.problem());
        }
        JsonNode payload = parsed.json();
        if (!settings.hooks().isEmpty() && !settings.hooks().contains(hook.trim())) {
            return forward.drop("event_type", hook + " is not in this source's eventTypes");
        }
        String path = GitLabEvents.text(payload, "project", "path_with_namespace");
        String url = GitLabEvents.text(payload, "project", "web_url");
        if (!settings.projects().isEmpty() && !accepts(path, url)) {
            return forward.drop("project", "project " + (path != null ? path : url) + " is not one of this source's projects");
        }
        Map<String, String> headers = Forwarder.lowerCase(h);
        return forward.forward(GitLabEvents.toCloudEvent(hook.trim(), h.get("Idempotency-Key"), h.get("X-Gitlab-Event-UUID"),
                h.get("X-Gitlab-Instance"), request.body(), payload), headers);
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
