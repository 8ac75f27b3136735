package dev.kiln.controller;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * Kiln's kinds, registered with a client's serialization: fabric8 7 maps {@code apiVersion}/{@code kind} to a class
 * only for types it was told about, and answers with a {@code GenericKubernetesResource} otherwise (even to
 * {@code resources(Function.class).get()}).
 */
public final class KilnKinds {

    /** Every kind the controller reconciles. */
    public static final List<Class<? extends KubernetesResource>> ALL = List.of(Function.class, GitHubSource.class,
            GitLabSource.class, KafkaSource.class, CronSource.class);

    private KilnKinds() {
    }

    /**
     * @param client the client whose serialization learns Kiln's kinds
     * @return the client
     */
    public static KubernetesClient register(KubernetesClient client) {
        ALL.forEach(client.getKubernetesSerialization()::registerKubernetesResource);
        return client;
    }
}
