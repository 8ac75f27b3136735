package dev.kiln.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/** Status writes that work on any API server: a JSON merge patch of {@code {"status": ...}} on the subresource. */
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
        String patch = client.getKubernetesSerialization().asJson(Map.of("status", status));
        client.resources((Class<T>) resource.getClass()).inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
}
