package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A webhook Kiln registered through GitHub's or GitLab's API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegisteredWebhook {

    /** The repository (owner/repo, or an owner) or project URL it is registered on. */
    public String target;

    /** The hook's id there. */
    public String id;

    /** A digest of the configuration it was registered with (URL, events, secret): a change registers it again. */
    public String config;

    /** For Jackson. */
    public RegisteredWebhook() {
    }

    /**
     * @param target the repository or project
     * @param id the hook's id
     * @param config the digest of its configuration
     */
    public RegisteredWebhook(String target, String id, String config) {
        this.target = target;
        this.id = id;
        this.config = config;
    }
}
