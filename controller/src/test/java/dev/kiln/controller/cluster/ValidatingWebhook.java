package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A validating admission webhook the test cluster calls on creates and updates of one resource, after the mutating
 * ones (Knative's defaulting), as the API server's {@code ValidatingAdmissionWebhook} plugin does. Its refusal comes
 * back as the API server words it ({@link ClusterDispatcher}).
 *
 * @param name the webhook's name, as the API server quotes it
 * @param group the API group of the resource it reviews ({@code ""} for core)
 * @param resource the resource's plural
 * @param review the object as sent (defaulted) → the webhook's denial, or empty to allow it
 */
public record ValidatingWebhook(String name, String group, String resource, java.util.function.Function<JsonNode, Optional<Denial>> review) {

    /**
     * An {@code AdmissionResponse}'s {@code result} with {@code allowed: false}.
     *
     * @param code its code, or 0 (the API server then answers 403)
     * @param reason its reason, or null (the API server then says {@code Forbidden})
     * @param message its message
     */
    public record Denial(int code, String reason, String message) {
    }

    boolean reviews(ApiRequest api) {
        return group.equals(api.group()) && resource.equals(api.resource()) && api.subresource() == null;
    }
}
