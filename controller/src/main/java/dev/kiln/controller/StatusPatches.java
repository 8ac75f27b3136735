package dev.kiln.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;

/**
 * Status writes: one JSON Patch {@code add /status} on the status subresource. "add" replaces a member that exists
 * and creates one that does not (RFC 6902 §4.1), so it works on a resource that has no status yet, where JOSDK's
 * computed patch ("replace" under {@code /status}) fails. A JSON merge patch would do too on a real API server,
 * but fabric8's mock server concatenates arrays in merge patches, so conditions doubled on every write.
 */
public final class StatusPatches {

    private StatusPatches() {
    }

    /**
     * @param client the client
     * @param resource the resource (its name, namespace and type)
     * @param status the whole status
     * @param <T> the resource type
     */
    @SuppressWarnings("unchecked")
    public static <T extends HasMetadata> void mergeStatus(KubernetesClient client, T resource, Object status) {
        String patch = client.getKubernetesSerialization().asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
        client.resources((Class<T>) resource.getClass()).inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), patch);
    }

    /**
     * Writes the status only when it changed since the reconcile read it: every write is an event for the
     * resource's own informer, and a write that changes nothing would only start another reconcile.
     *
     * @param client the client
     * @param resource the resource with its new status
     * @param status the new status
     * @param before the status as the reconcile found it, serialised with {@link #snapshot}
     * @param <T> the resource type
     * @return whether a write happened
     */
    public static <T extends HasMetadata> boolean writeIfChanged(KubernetesClient client, T resource, Object status, String before) {
        if (snapshot(client, status).equals(before)) {
            return false;
        }
        mergeStatus(client, resource, status);
        return true;
    }

    /**
     * @param client the client
     * @param status a status
     * @return its JSON, to compare with later
     */
    public static String snapshot(KubernetesClient client, Object status) {
        return client.getKubernetesSerialization().asJson(status);
    }
}
