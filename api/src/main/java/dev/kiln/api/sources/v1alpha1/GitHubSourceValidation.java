package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import java.util.regex.Pattern;

/** Validation of a GitHubSource: every error, each with its field path. */
public final class GitHubSourceValidation {

    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private GitHubSourceValidation() {
    }

    /**
     * @param source the source to check
     * @param policy what URLs Kiln may call where it runs: the API URL's scheme must be one it allows
     * @return every error found
     */
    public static FieldErrors validate(GitHubSource source, ValidationPolicy policy) {
        GitHubSourceSpec spec = source.getSpec();
        FieldErrors errors = SourceValidation.common(source, spec);
        if (spec == null) {
            return errors;
        }
        if (spec.repositories == null || spec.repositories.isEmpty()) {
            errors.add("spec.repositories", "must list at least one owner/repo or owner");
        } else {
            for (int i = 0; i < spec.repositories.size(); i++) {
                if (!isRepository(spec.repositories.get(i))) {
                    errors.add("spec.repositories[" + i + "]", "must be owner/repo or owner, e.g. acme/greeter");
                }
            }
        }
        WebhookChecks.eventTypes(errors, spec.eventTypes, GitHubEventTypes.ALL::contains,
                "is not a GitHub webhook event (e.g. push, pull_request, release, or * for all)");
        WebhookChecks.secrets(errors, spec.adapterSecrets(), spec.accessToken, spec.allowUnsigned);
        if (spec.githubAPIURL != null) {
            Checks.forgeApiUrl(errors, "spec.githubAPIURL", spec.githubAPIURL, policy);
            if (spec.accessToken == null && !GitHubSourceSpec.DEFAULT_API_URL.equals(spec.githubAPIURL)) {
                errors.add("spec.githubAPIURL", "is only used with spec.accessToken, to register the webhook");
            }
        } else if (spec.accessToken != null) {
            Checks.forgeApiUrl(errors, "spec.githubAPIURL", GitHubSourceSpec.DEFAULT_API_URL, policy); // the default is called
        }
        WebhookChecks.registration(errors, spec.accessToken, spec.publicURL);
        return errors;
    }

    private static boolean isRepository(String value) {
        if (value == null) {
            return false;
        }
        String[] parts = value.split("/", -1);
        return switch (parts.length) {
            case 1 -> OWNER.matcher(parts[0]).matches();
            case 2 -> OWNER.matcher(parts[0]).matches() && REPO.matcher(parts[1]).matches()
                    && !parts[1].equals(".") && !parts[1].equals("..");
            default -> false;
        };
    }
}
