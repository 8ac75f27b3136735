package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.SecretValueFromSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which GitLab projects and events to receive, and the token that authenticates them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitLabSourceSpec extends SourceSpec {

    /** Project URLs, e.g. https://gitlab.com/acme/greeter. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> projects = new ArrayList<>();

    /** Project-hook event flags to forward, e.g. push_events, merge_requests_events, pipeline_events. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> eventTypes = new ArrayList<>();

    /** The webhook secret token: deliveries must carry it in X-Gitlab-Token. */
    public SecretValueFromSource secretToken;

    /** During a rotation, the secret token being replaced: deliveries carrying it are accepted too, until it is removed. */
    public SecretValueFromSource previousSecretToken;

    /**
     * GitLab's HMAC signing token (whsec_...): deliveries must then carry a valid webhook-signature (Standard
     * Webhooks) made with it, with a timestamp within 5 minutes. May be set with or instead of secretToken.
     */
    public SecretValueFromSource signingToken;

    /** During a rotation, the signing token being replaced: signatures made with it are accepted too. */
    public SecretValueFromSource previousSigningToken;

    /**
     * Token with the api scope: Kiln then registers the project hook on every project through GitLab's API (the
     * projects' own host), at {@code publicURL} with the secret token and events of this spec, keeps it so, and
     * deletes it when the source is deleted or a project leaves the list. Without it, register the hook by hand.
     */
    public SecretValueFromSource accessToken;

    /**
     * The URL GitLab delivers to, where {@code status.webhookUrl} is published (an Ingress or a gateway): required
     * with accessToken, which registers it.
     */
    public String publicURL;

    /** Accept deliveries without a token when neither secretToken nor signingToken is set. Anyone who can reach the URL can then send events. */
    public Boolean allowUnsigned;

    /** @return the secrets the adapter reads, by field path */
    public Map<String, SecretValueFromSource> adapterSecrets() {
        Map<String, SecretValueFromSource> secrets = new LinkedHashMap<>();
        WebhookChecks.put(secrets, "spec.secretToken", secretToken);
        WebhookChecks.put(secrets, "spec.previousSecretToken", previousSecretToken);
        WebhookChecks.put(secrets, "spec.signingToken", signingToken);
        WebhookChecks.put(secrets, "spec.previousSigningToken", previousSigningToken);
        return secrets;
    }
}
