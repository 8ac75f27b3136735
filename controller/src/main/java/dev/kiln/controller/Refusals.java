package dev.kiln.controller;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Tells a write the cluster refused from one that could not be made now. A refusal is a 4xx answer: the API server's
 * validation (422), an admission plugin such as ResourceQuota or OwnerReferencesPermissionEnforcement (403), a
 * validating webhook (its own code, 400 for Knative's: knative.dev/pkg {@code webhook.MakeErrorStatus} is a
 * {@code NewBadRequest}, and the API server prefixes {@code <resource> "<name>" is forbidden: admission webhook
 * "<webhook>" denied the request:}, kubernetes {@code apiserver/pkg/admission/plugin/webhook/errors/statuserror.go}),
 * RBAC (403). Trying the same write again at once gets the same answer, so it is reported in the owner's status.
 *
 * <p>Not refusals, and left to the reconciler's retry: 5xx and no answer at all (code 0), 404 (the object went away
 * between the read and the write), 408, 409 (a conflict, or an object another reconcile just created) and 429
 * (throttled).
 */
public final class Refusals {

    private Refusals() {
    }

    /**
     * @param e what the client threw
     * @return the API server's message, for a condition
     * @throws KubernetesClientException {@code e} itself, when it is not a refusal
     */
    public static String messageOf(KubernetesClientException e) {
        int code = e.getCode();
        if (code < 400 || code >= 500 || code == 404 || code == 408 || code == 409 || code == 429) {
            throw e;
        }
        var status = e.getStatus();
        return status != null && status.getMessage() != null && !status.getMessage().isBlank() ? status.getMessage() : e.getMessage();
    }
}
