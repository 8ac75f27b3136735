package dev.kiln.controller.sources;

import dev.kiln.api.sources.v1alpha1.KafkaSource;
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

/** KafkaSources become a `kiln-event-sources kafka` adapter: see {@link SourceReconciliation}. */
@ControllerConfiguration(name = "kafkasources", generationAwareEventProcessing = false)
public class KafkaSourceReconciler implements Reconciler<KafkaSource> {

    private final SourceReconciliation<KafkaSource> reconciliation;

    /**
     * @param client the client
     * @param config the controller's configuration (the adapter image)
     * @param policy what sources may name in this cluster
     * @param clock the clock
     */
    @Inject
    public KafkaSourceReconciler(KubernetesClient client, ControllerConfig config, ValidationPolicy policy, Clock clock) {
        this(client, config.sources().adapterImage(), config.imagePullSecret().orElse(null), policy, clock);
    }

    /**
     * @param client the client
     * @param adapterImage the event-sources image, pinned by digest
     * @param policy what sources may name in this cluster
     * @param clock the clock
     */
    public KafkaSourceReconciler(KubernetesClient client, String adapterImage, ValidationPolicy policy, Clock clock) {
        this(client, adapterImage, null, policy, clock);
    }

    /**
     * @param client the client
     * @param adapterImage the event-sources image, pinned by digest
     * @param imagePullSecret the Secret the kubelet pulls it with, or null ({@code KILN_IMAGE_PULL_SECRET})
     * @param policy what sources may name in this cluster
     * @param clock the clock
     */
    public KafkaSourceReconciler(KubernetesClient client, String adapterImage, String imagePullSecret, ValidationPolicy policy, Clock clock) {
        this.reconciliation = new SourceReconciliation<>(client, SourceKind.KAFKA, adapterImage, imagePullSecret, policy, clock);
    }

    @Override
    public List<EventSource<?, KafkaSource>> prepareEventSources(EventSourceContext<KafkaSource> context) {
        return reconciliation.eventSources(context);
    }

    @Override
    public UpdateControl<KafkaSource> reconcile(KafkaSource source, Context<KafkaSource> context) {
        return reconciliation.reconcile(source, context);
    }
}
