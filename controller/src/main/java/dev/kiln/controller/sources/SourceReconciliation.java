package dev.kiln.controller.sources;

import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.sources.v1alpha1.RegisteredWebhook;
import dev.kiln.api.sources.v1alpha1.SourceLifecycle;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import dev.kiln.api.sources.v1alpha1.SourceStatus;
import dev.kiln.api.sources.v1alpha1.WebhookSourceStatus;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import dev.kiln.contract.Labels;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.controller.Owners;
import dev.kiln.controller.StatusPatches;
import dev.kiln.controller.WarningEvents;
import dev.kiln.controller.sinks.SinkResolver;
import dev.kiln.controller.sources.webhooks.HookApi;
import dev.kiln.controller.sources.webhooks.HookApiException;
import dev.kiln.controller.sources.webhooks.WebhookRegistration;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What every source reconciler does, in Knative's order: validate → secrets → sink (and dead-letter sink) →
 * the adapter's Deployment (and Service for webhooks) → its availability. The per-kind reconcilers are thin
 * shells that JOSDK can register (it reads the resource type from their {@code Reconciler<S>}).
 *
 * <p>Sinks are not watched (they can be any kind); a source whose sink does not resolve yet is tried again every
 * {@link #RETRY}, and a healthy one re-resolves every {@link #RESYNC}, so a Broker that moves is followed.
 * Generation-aware filtering is off for sources, as for Functions: any metadata change (say
 * {@code kubectl annotate}) reconciles at once, and the status is written only when it changed, so that converges.
 *
 * @param <S> the source resource
 */
public final class SourceReconciliation<S extends CustomResource<? extends SourceSpec, ? extends SourceStatus>> {

    private static final Logger LOG = Logger.getLogger(SourceReconciliation.class);
    /**
     * How soon a source waiting for a sink or a secret, or for an object of its adapter's name that it does not own to
     * go, is tried again (none of them is watched).
     */
    public static final Duration RETRY = Duration.ofSeconds(30);
    /** How often a healthy source re-resolves its sink. */
    public static final Duration RESYNC = Duration.ofMinutes(5);
    /** On sources whose hooks Kiln registered: the hooks are deleted before the source goes. */
    public static final String HOOKS_FINALIZER = "sources.kiln.dev/webhooks";
    /** How long a deleted source waits for an unreachable forge before its hooks are left behind. */
    static final Duration HOOK_DELETION_PATIENCE = Duration.ofMinutes(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /**
     * The hooks last registered, by source UID: the status a reconcile reads can lag behind the status the one
     * before wrote (the informer's cache), and reading it stale would list and re-register hooks for nothing.
     */
    private final Map<String, List<RegisteredWebhook>> registered = dev.kiln.controller.RecentlyUsed.map();

    private final KubernetesClient client;
    private final SinkResolver sinks;
    private final SourceKind<S> kind;
    private final String image;
    private final String imagePullSecret;
    private final ValidationPolicy policy;
    private final Clock clock;
    private final WarningEvents events;

    /**
     * @param client the client
     * @param kind the source kind
     * @param image the event-sources image, pinned by digest
     * @param imagePullSecret the Secret, in the source's namespace, the kubelet pulls {@code image} with, or null
     * @param policy what sources may name in this cluster (the schemes of the forge API URLs the controller calls)
     * @param clock the clock for condition transitions
     */
    public SourceReconciliation(KubernetesClient client, SourceKind<S> kind, String image, String imagePullSecret, ValidationPolicy policy,
            Clock clock) {
        this.client = client;
        this.sinks = new SinkResolver(client);
        this.kind = kind;
        this.image = image;
        this.imagePullSecret = imagePullSecret;
        this.policy = policy;
        this.clock = clock;
        this.events = new WarningEvents(client, clock);
    }

    /** @return informers for the adapters' Deployments (and Services), mapped to their source by owner reference */
    public List<EventSource<?, S>> eventSources(EventSourceContext<S> context) {
        String selector = Labels.selector(Labels.COMPONENT_SOURCE_ADAPTER) + "," + Labels.SOURCE_KIND + "=" + kind.adapter();
        InformerEventSource<Deployment, S> deployments = new InformerEventSource<>(InformerEventSourceConfiguration.from(Deployment.class, kind.type())
                .withName(kind.adapter() + "-deployments").withLabelSelector(selector)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(kind.type())).build(), context);
        if (!kind.webhook()) {
            return List.of(deployments);
        }
        InformerEventSource<Service, S> services = new InformerEventSource<>(InformerEventSourceConfiguration.from(Service.class, kind.type())
                .withName(kind.adapter() + "-services").withLabelSelector(selector)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(kind.type())).build(), context);
        return List.of(deployments, services);
    }

    /**
     * @param source the source
     * @param context JOSDK's context (the adapter's objects from the informers)
     * @return no update (the status is written here) and when to look again
     */
    public UpdateControl<S> reconcile(S source, Context<S> context) {
        if (context.isPrimaryResourceDeleted()) {
            return UpdateControl.noUpdate();
        }
        if (source.isMarkedForDeletion()) {
            return deleteHooks(source);
        }
        SourceStatus status = source.getStatus();
        String before = StatusPatches.snapshot(client, status);
        Set<WarningEvents.Warning> warned = WarningEvents.of(status, SourceLifecycle.WARNINGS);
        SourceLifecycle life = SourceLifecycle.of(status, clock);
        life.observe(source.getMetadata().getGeneration());
        String ns = source.getMetadata().getNamespace();

        FieldErrors errors = kind.validate().apply(source, policy);
        if (!errors.isEmpty()) {
            life.markInvalidSpec(errors);
            return write(source, before, warned, null);
        }
        kind.defaults().accept(source);

        boolean ready = true;
        if (kind.webhook()) {
            ready = secrets(ns, kind.secrets().apply(source), life);
        }
        SinkResolver.Resolution sink = sinks.resolve(ns, source.getSpec().sink);
        String deadLetter = null;
        if (!sink.resolved()) {
            life.markNoSink(sink.reason(), "spec.sink: " + sink.message());
            ready = false;
        } else {
            Destination dls = kind.deadLetterSink().apply(source);
            SinkResolver.Resolution resolved = dls == null ? null : sinks.resolve(ns, dls);
            if (resolved != null && !resolved.resolved()) {
                life.markNoSink(resolved.reason(), "spec.delivery.deadLetterSink: " + resolved.message());
                ready = false;
            } else {
                deadLetter = resolved == null ? null : resolved.uri();
                life.markSink(sink.uri());
            }
        }
        if (!ready) {
            // An adapter that already runs keeps its last good configuration, as Knative's sources do.
            return write(source, before, warned, RETRY);
        }

        AdapterEnvironment env;
        try {
            env = AdapterEnvironment.of(source, sink.uri(), deadLetter);
        } catch (IllegalArgumentException e) {
            life.markInvalidSpec(new FieldErrors().add("spec", e.getMessage()));
            return write(source, before, warned, null);
        }
        Deployment deployment = apply(source, context, SourceAdapters.deployment(source, env, image, imagePullSecret));
        if (deployment == null) {
            life.markNotOwned("Deployment", SourceAdapters.name(source, kind.adapter()));
            return write(source, before, warned, RETRY);
        }
        if (kind.webhook()) {
            Service service = SourceAdapters.service(source, kind.adapter());
            String name = service.getMetadata().getName();
            Service existing = context.getSecondaryResources(Service.class).stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst()
                    .orElseGet(() -> client.services().inNamespace(ns).withName(name).get());
            if (existing == null) {
                client.resource(service).create();
            } else if (!Owners.controls(source, existing)) {
                life.markNotOwned("Service", name);
                return write(source, before, warned, RETRY);
            }
            ((WebhookSourceStatus) status).webhookUrl = SourceAdapters.webhookUrl(source, kind.adapter());
            if (!registerHooks(source, life)) {
                availability(deployment, life);
                return write(source, before, warned, RETRY);
            }
        }
        availability(deployment, life);
        return write(source, before, warned, RESYNC);
    }

    /**
     * Registers the hooks through the forge's API when spec.accessToken asks for it (Knative's GitHubSource and
     * GitLabSource do the same). The finalizer that deletes them goes on before the first hook is created, and only
     * on such sources: a source whose hooks are registered by hand never waits for the controller to be deleted.
     *
     * @return whether the hooks are as the spec says
     */
    private boolean registerHooks(S source, SourceLifecycle life) {
        WebhookSourceStatus status = (WebhookSourceStatus) source.getStatus();
        Optional<SourceKind.HookRequest> request = kind.hooks().apply(source);
        if (request.isEmpty()) {
            if (hasFinalizer(source)) {
                // accessToken removed: without a token the hooks can be neither kept nor deleted; they are the user's now.
                LOG.infof("%s %s/%s: spec.accessToken removed, leaving its hooks %s registered", kind.adapter(), source.getMetadata().getNamespace(),
                        source.getMetadata().getName(), status.webhooks);
                status.webhooks.clear();
                registered.remove(source.getMetadata().getUid());
                finalizer(source, false);
            }
            life.markWebhookRegistered();
            return true;
        }
        SourceKind.HookRequest r = request.get();
        String ns = source.getMetadata().getNamespace();
        try {
            String token = secretValue(ns, "spec.accessToken", r.accessToken());
            String secret = r.secret() == null ? null : secretValue(ns, "spec.secretToken", r.secret());
            if (!hasFinalizer(source)) {
                finalizer(source, true);
            }
            String uid = source.getMetadata().getUid();
            status.webhooks = WebhookRegistration.sync(r.api().apply(http, token), r.targets(),
                    new HookApi.HookConfig(r.publicURL(), r.events(), secret), registered.getOrDefault(uid, status.webhooks));
            registered.put(uid, List.copyOf(status.webhooks));
            life.markWebhookRegistered();
            return true;
        } catch (MissingSecret e) {
            life.markWebhookNotRegistered(e.reason, e.getMessage());
        } catch (HookApiException e) {
            life.markWebhookNotRegistered("WebhookRegistrationFailed", e.getMessage());
        }
        return false;
    }

    /**
     * The source is being deleted: delete the hooks Kiln registered, then let it go. A forge that cannot be reached
     * is tried again for {@link #HOOK_DELETION_PATIENCE}; a refusal (a revoked token, a repository gone) or a missing
     * token Secret leaves the hooks behind, logged, rather than keeping the source forever.
     */
    private UpdateControl<S> deleteHooks(S source) {
        if (!hasFinalizer(source)) {
            return UpdateControl.noUpdate();
        }
        WebhookSourceStatus status = (WebhookSourceStatus) source.getStatus();
        List<RegisteredWebhook> remembered = registered.remove(source.getMetadata().getUid());
        if (remembered != null && status != null) {
            status.webhooks = new java.util.ArrayList<>(remembered);
        }
        Optional<SourceKind.HookRequest> request = kind.hooks().apply(source);
        String what = kind.adapter() + " " + source.getMetadata().getNamespace() + "/" + source.getMetadata().getName();
        FieldErrors errors = kind.validate().apply(source, policy);
        if (request.isPresent() && !errors.isEmpty()) {
            // The spec may have been changed since the hooks were registered, to name an API URL Kiln may not call.
            LOG.warnf("%s: its hooks %s are left behind: its spec is invalid (%s)", what, status == null ? List.of() : status.webhooks, errors.summary());
        } else if (request.isPresent() && status != null && !status.webhooks.isEmpty()) {
            try {
                String token = secretValue(source.getMetadata().getNamespace(), "spec.accessToken", request.get().accessToken());
                WebhookRegistration.deleteAll(request.get().api().apply(http, token), status.webhooks);
                LOG.infof("%s: deleted its hooks %s", what, status.webhooks);
            } catch (MissingSecret e) {
                LOG.warnf("%s: cannot delete its hooks %s: %s", what, status.webhooks, e.getMessage());
            } catch (HookApiException e) {
                if (e.transientFailure() && !deletionOlderThan(source, HOOK_DELETION_PATIENCE)) {
                    LOG.infof("%s: deleting its hooks failed, trying again: %s", what, e.getMessage());
                    return UpdateControl.<S>noUpdate().rescheduleAfter(RETRY);
                }
                LOG.warnf("%s: its hooks %s are left behind: %s", what, status.webhooks, e.getMessage());
            }
        }
        finalizer(source, false);
        return UpdateControl.noUpdate();
    }

    private boolean deletionOlderThan(S source, Duration age) {
        try {
            return java.time.Instant.parse(source.getMetadata().getDeletionTimestamp()).plus(age).isBefore(clock.instant());
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private boolean hasFinalizer(S source) {
        return source.getMetadata().getFinalizers() != null && source.getMetadata().getFinalizers().contains(HOOKS_FINALIZER);
    }

    private void finalizer(S source, boolean add) {
        client.resources(kind.type()).inNamespace(source.getMetadata().getNamespace()).withName(source.getMetadata().getName()).edit(s -> {
            List<String> finalizers = new java.util.ArrayList<>(s.getMetadata().getFinalizers() == null ? List.of() : s.getMetadata().getFinalizers());
            finalizers.remove(HOOKS_FINALIZER);
            if (add) {
                finalizers.add(HOOKS_FINALIZER);
            }
            s.getMetadata().setFinalizers(finalizers);
            return s;
        });
        List<String> mine = new java.util.ArrayList<>(source.getMetadata().getFinalizers() == null ? List.of() : source.getMetadata().getFinalizers());
        mine.remove(HOOKS_FINALIZER);
        if (add) {
            mine.add(HOOKS_FINALIZER);
        }
        source.getMetadata().setFinalizers(mine);
    }

    /** A Secret the hooks need is missing. */
    private static final class MissingSecret extends Exception {
        final String reason;

        MissingSecret(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private String secretValue(String ns, String path, SecretValueFromSource ref) throws MissingSecret {
        String name = ref.secretKeyRef.getName();
        String key = ref.secretKeyRef.getKey();
        Secret secret = client.secrets().inNamespace(ns).withName(name).get();
        if (secret == null) {
            throw new MissingSecret("SecretNotFound", "secret " + name + " (" + path + ".secretKeyRef) does not exist in namespace " + ns);
        }
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(java.util.Base64.getDecoder().decode(secret.getData().get(key)), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key).strip();
        }
        throw new MissingSecret("SecretKeyNotFound", "secret " + name + " has no key " + key + " (" + path + ".secretKeyRef.key)");
    }

    private boolean secrets(String ns, Map<String, SecretValueFromSource> secrets, SourceLifecycle life) {
        // allowUnsigned without secrets: validation already required it to be explicit
        for (Map.Entry<String, SecretValueFromSource> entry : secrets.entrySet()) {
            String path = entry.getKey();
            String name = entry.getValue().secretKeyRef.getName();
            String key = entry.getValue().secretKeyRef.getKey();
            Secret secret = client.secrets().inNamespace(ns).withName(name).get();
            if (secret == null) {
                life.markNoSecrets("SecretNotFound", "secret " + name + " (" + path + ".secretKeyRef) does not exist in namespace " + ns);
                return false;
            }
            boolean hasKey = (secret.getData() != null && secret.getData().containsKey(key))
                    || (secret.getStringData() != null && secret.getStringData().containsKey(key));
            if (!hasKey) {
                life.markNoSecrets("SecretKeyNotFound", "secret " + name + " has no key " + key + " (" + path + ".secretKeyRef.key)");
                return false;
            }
        }
        life.markSecrets();
        return true;
    }

    /** @return the adapter's Deployment as written, or null when one of its name exists that the source does not control */
    private Deployment apply(S source, Context<S> context, Deployment desired) {
        String name = desired.getMetadata().getName();
        Optional<Deployment> existing = context.getSecondaryResources(Deployment.class).stream()
                .filter(d -> name.equals(d.getMetadata().getName())).findFirst();
        if (existing.isEmpty()) {
            // Not in the informer's cache yet: ask the API server before creating, so a restart never conflicts.
            existing = Optional.ofNullable(client.apps().deployments().inNamespace(desired.getMetadata().getNamespace()).withName(name).get());
        }
        if (existing.isEmpty()) {
            LOG.infof("%s %s/%s: starting adapter %s", kind.adapter(), source.getMetadata().getNamespace(), source.getMetadata().getName(), name);
            return client.resource(SourceAdapters.writeOver(null, desired)).create();
        }
        if (!Owners.controls(source, existing.get())) {
            return null;
        }
        if (SourceAdapters.differs(existing.get(), desired)) {
            return client.resource(SourceAdapters.writeOver(existing.get(), desired)).update();
        }
        return existing.get();
    }

    private static void availability(Deployment deployment, SourceLifecycle life) {
        var status = deployment.getStatus();
        if (status != null && status.getAvailableReplicas() != null && status.getAvailableReplicas() > 0) {
            life.markDeployed();
            return;
        }
        Optional<DeploymentCondition> stuck = status == null || status.getConditions() == null ? Optional.empty()
                : status.getConditions().stream().filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus())).findFirst();
        if (stuck.isPresent()) {
            life.markNotDeployed(true, stuck.get().getReason() == null ? "DeploymentFailed" : stuck.get().getReason(),
                    "adapter " + deployment.getMetadata().getName() + ": " + stuck.get().getMessage());
        } else {
            life.markNotDeployed(false, "DeploymentUnavailable", "adapter " + deployment.getMetadata().getName() + " has no available replica yet");
        }
    }

    /** Writes the status, then a Warning Event for each refusal it now shows and did not before ({@link WarningEvents}). */
    private UpdateControl<S> write(S source, String before, Set<WarningEvents.Warning> warned, Duration reschedule) {
        StatusPatches.writeIfChanged(client, source, source.getStatus(), before);
        events.recordNew(source, warned, WarningEvents.of(source.getStatus(), SourceLifecycle.WARNINGS));
        UpdateControl<S> control = UpdateControl.noUpdate();
        return reschedule == null ? control : control.rescheduleAfter(reschedule);
    }
}
