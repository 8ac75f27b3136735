package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import java.net.URI;

/** Validation of a GitLabSource: every error, each with its field path. */
public final class GitLabSourceValidation {

    private GitLabSourceValidation() {
    }

    /**
     * @param source the source to check
     * @param policy what URLs Kiln may call where it runs: with spec.accessToken, Kiln calls each project's host
     * @return every error found
     */
    public static FieldErrors validate(GitLabSource source, ValidationPolicy policy) {
        GitLabSourceSpec spec = source.getSpec();
        FieldErrors errors = SourceValidation.common(source, spec);
        if (spec == null) {
            return errors;
        }
        if (spec.projects == null || spec.projects.isEmpty()) {
            errors.add("spec.projects", "must list at least one project URL");
        } else {
            for (int i = 0; i < spec.projects.size(); i++) {
                String path = "spec.projects[" + i + "]";
                FieldErrors urlErrors = new FieldErrors();
                Checks.httpUrl(urlErrors, path, spec.projects.get(i));
                if (!urlErrors.isEmpty() || URI.create(spec.projects.get(i)).getPath().split("/").length < 3) {
                    errors.add(path, "must be a project URL such as https://gitlab.com/group/project");
                } else if (spec.accessToken != null) {
                    Checks.forgeApiUrl(errors, path, spec.projects.get(i), policy); // its host's API registers the hook
                }
            }
        }
        WebhookChecks.eventTypes(errors, spec.eventTypes, GitLabEventTypes.HOOK_HEADERS::containsKey,
                "is not a GitLab project-hook event (e.g. push_events, tag_push_events, merge_requests_events)");
        WebhookChecks.secrets(errors, spec.adapterSecrets(), spec.accessToken, spec.allowUnsigned);
        WebhookChecks.registration(errors, spec.accessToken, spec.publicURL);
        if (spec.accessToken != null && spec.signingToken != null) {
            errors.add("spec.signingToken", "cannot be set through GitLab's hook API: with spec.accessToken, authenticate with spec.secretToken");
        }
        return errors;
    }
}
