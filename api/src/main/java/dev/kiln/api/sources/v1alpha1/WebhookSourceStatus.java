package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The observed state of a webhook source (GitHub, GitLab). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookSourceStatus extends SourceStatus {

    /** URL to register as the webhook in GitHub or GitLab. */
    public String webhookUrl;

    /** The hooks Kiln registered through the API (spec.accessToken), one per repository or project. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public java.util.List<RegisteredWebhook> webhooks = new java.util.ArrayList<>();
}
