package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.SecretValueFromSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which GitHub repositories and events to receive, and the secret that signs them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitHubSourceSpec extends SourceSpec {

    /** GitHub's public API. */
    public static final String DEFAULT_API_URL = "https://api.github.com";

    /** Repositories as owner/repo, or an owner alone for an organization-wide hook. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> repositories = new ArrayList<>();

    /** GitHub event names to forward, e.g. push, pull_request, or * for all; others are acknowledged and dropped. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> eventTypes = new ArrayList<>();

    /** The webhook secret: deliveries must carry a valid X-Hub-Signature-256 made with it. */
    public SecretValueFromSource secretToken;

    /**
     * During a rotation, the secret being replaced: deliveries signed with it are accepted too, until it is
     * removed (watch kiln_source_webhook_signed_total{secret="previous"} fall to nothing first).
     */
    public SecretValueFromSource previousSecretToken;

    /**
     * Token with admin:repo_hook scope (admin:org_hook for an owner alone): Kiln then registers the webhook on every
     * repository through GitHub's API, at {@code publicURL} with the secret and events of this spec, keeps it so, and
     * deletes it when the source is deleted or a repository leaves the list. Without it, register the hook by hand.
     */
    public SecretValueFromSource accessToken;

    /** GitHub API URL, for GitHub Enterprise (default: https://api.github.com); used with accessToken. */
    public String githubAPIURL;

    /**
     * The URL GitHub delivers to, where {@code status.webhookUrl} is published (an Ingress or a gateway): required
     * with accessToken, which registers it.
     */
    public String publicURL;

    /** Accept unsigned deliveries when no secretToken is set. Anyone who can reach the URL can then send events. */
    public Boolean allowUnsigned;

    /** @return the secrets the adapter reads, by field path: the webhook secret and, during a rotation, the previous one */
    public Map<String, SecretValueFromSource> adapterSecrets() {
        Map<String, SecretValueFromSource> secrets = new LinkedHashMap<>();
        WebhookChecks.put(secrets, "spec.secretToken", secretToken);
        WebhookChecks.put(secrets, "spec.previousSecretToken", previousSecretToken);
        return secrets;
    }
}
