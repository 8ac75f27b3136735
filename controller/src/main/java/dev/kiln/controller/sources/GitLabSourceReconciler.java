package dev.kiln.controller.sources;

import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.validation.ValidationPolicy;
import dev.kiln.controller.ControllerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/** GitLabSources become a `kiln-event-sources gitlab` adapter: see {@link SourceReconciliation}. */
// Every event reaches reconcile, deletions included: the hooks finalizer is added and removed by the reconciliation
// itself, only on sources whose hooks Kiln registers (JOSDK's Cleaner would put one on every source).
@ControllerConfiguration(name = "gitlabsources", generationAwareEventProcessing = false, triggerReconcilerOnAllEvents = true)
public class GitLabSourceReconciler implements Reconciler<GitLabSource> {

    private final SourceReconciliation<GitLabSource> reconciliation;

    /**
     * @param client the client
     * @param config the controller's configuration (the adapter image)
     * @param policy what sources may name in this cluster
     * @param clock the clock
     */
    @Inject
    public GitLabSourceReconciler(KubernetesClient client, ControllerConfig config, ValidationPolicy policy, Clock clock) {
        this(client, config.sources().adapterImage(), config.imagePullSecret().orElse(null), policy, clock);
    }

    /**
     * @param client the client
     * @param adapterImage the event-sources image, pinned by digest
     * @param policy what sources may name in this cluster
     * @param clock the clock
     */
    public GitLabSourceReconciler(KubernetesClient client, String adapterImage, ValidationPolicy policy, Clock clock) {
        this(client, adapterImage, null, policy, clock);
    }

    /**
     * @param client the client
     * @param adapterImage the event-sources image, pinned by digest
     * @param imagePullSecret the Secret the kubelet pulls it with, or null ({@code KILN_IMAGE_PULL_SECRET})
     * @param policy what sources may name in this cluster
     * @param clock the clock
     */
    public GitLabSourceReconciler(KubernetesClient client, String adapterImage, String imagePullSecret, ValidationPolicy policy, Clock clock) {
        this.reconciliation = new SourceReconciliation<>(client, SourceKind.GITLAB, adapterImage, imagePullSecret, policy, clock);
    }

    @Override
    public List<EventSource<?, GitLabSource>> prepareEventSources(EventSourceContext<GitLabSource> context) {
        return reconciliation.eventSources(context);
    }

    @Override
    public UpdateControl<GitLabSource> reconcile(GitLabSource source, Context<GitLabSource> context) {
        return reconciliation.reconcile(source, context);
    }
}
