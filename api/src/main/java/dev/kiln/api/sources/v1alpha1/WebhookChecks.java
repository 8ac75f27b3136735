package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import java.util.List;
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

    /** A webhook without a secret accepts anything from anyone: refused unless explicitly allowed. */
    static void secrets(FieldErrors errors, SecretValueFromSource secretToken, SecretValueFromSource accessToken,
            Boolean allowUnsigned) {
        if (secretToken == null && !Boolean.TRUE.equals(allowUnsigned)) {
            errors.add("spec.secretToken", "is required: webhooks without a secret accept events from anyone "
                    + "(set spec.allowUnsigned: true to accept that)");
        }
        Checks.secretValue(errors, "spec.secretToken", secretToken, false);
        Checks.secretValue(errors, "spec.accessToken", accessToken, false);
    }
}
