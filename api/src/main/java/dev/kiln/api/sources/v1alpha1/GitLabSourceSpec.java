package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.SecretValueFromSource;
import java.util.ArrayList;
import java.util.List;

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

    /** Token with the api scope, to register the webhook (optional: register it by hand otherwise). */
    public SecretValueFromSource accessToken;

    /** Accept deliveries without a token when no secretToken is set. Anyone who can reach the URL can then send events. */
    public Boolean allowUnsigned;
}
