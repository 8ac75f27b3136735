package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Checks that GitHub and GitLab sources share. */
final class WebhookChecks {

    private WebhookChecks() {
    }

    static void eventTypes(FieldErrors errors, List<String> eventTypes, Predicate<String> known, String unknownMessage) {
        if (eventTypes == null || eventTypes.isEmpty()) {
            errors.add("spec.eventTypes", "must list at least one event type");
            return;
        }
        for (int i = 0; i < eventTypes.size(); i++) {
            if (!known.test(eventTypes.get(i))) {
                errors.add("spec.eventTypes[" + i + "]", unknownMessage);
            }
        }
    }

    /**
     * A webhook without a secret accepts anything from anyone: refused unless explicitly allowed. A previous secret
     * (a rotation) needs the secret that replaces it.
     *
     * @param adapterSecrets the secrets by field path; the first is the one a webhook needs
     */
    static void secrets(FieldErrors errors, Map<String, SecretValueFromSource> adapterSecrets, SecretValueFromSource accessToken,
            Boolean allowUnsigned) {
        boolean authenticated = adapterSecrets.keySet().stream().anyMatch(p -> !p.startsWith("spec.previous"));
        if (!authenticated && !Boolean.TRUE.equals(allowUnsigned)) {
            errors.add("spec.secretToken", "is required: webhooks without a secret accept events from anyone "
                    + "(set spec.allowUnsigned: true to accept that)");
        }
        adapterSecrets.forEach((path, value) -> {
            Checks.secretValue(errors, path, value, false);
            if (path.startsWith("spec.previous")) {
                String current = "spec." + Character.toLowerCase(path.charAt("spec.previous".length())) + path.substring("spec.previous".length() + 1);
                if (!adapterSecrets.containsKey(current)) {
                    errors.add(path, "needs " + current + ": a rotation accepts the previous secret next to the new one");
                }
            }
        });
        Checks.secretValue(errors, "spec.accessToken", accessToken, false);
    }

    /** Registering the hook through the API needs the URL to register; that URL means nothing without it. */
    static void registration(FieldErrors errors, SecretValueFromSource accessToken, String publicURL) {
        if (accessToken != null && publicURL == null) {
            errors.add("spec.publicURL", "is required with spec.accessToken: the URL the webhook is registered with");
        }
        if (publicURL != null) {
            Checks.httpUrl(errors, "spec.publicURL", publicURL);
            if (accessToken == null) {
                errors.add("spec.publicURL", "is only used with spec.accessToken, to register the webhook");
            }
        }
    }

    static void put(Map<String, SecretValueFromSource> secrets, String path, SecretValueFromSource value) {
        if (value != null) {
            secrets.put(path, value);
        }
    }
}
