package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.duck.ConditionSet;
import dev.kiln.api.validation.FieldErrors;
import java.time.Clock;
import java.util.Set;

/** The conditions of a source and the transitions between them. */
public final class SourceLifecycle {

    /** The sink resolved to a URL. */
    public static final String SINK_PROVIDED = "SinkProvided";
    /** The secrets that the source needs exist. */
    public static final String SECRETS_PROVIDED = "SecretsProvided";
    /** The receive adapter runs. */
    public static final String DEPLOYED = "Deployed";

    /** Reason: the spec has errors; the message lists every field path. */
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    /** Reason: an object of the name the adapter would use exists, and this source is not its controller. */
    public static final String REASON_NOT_OWNED = "NotOwned";

    /** The reasons that are also Warning Events on the source (see {@code FunctionLifecycle.WARNINGS}). */
    public static final Set<String> WARNINGS = Set.of(REASON_INVALID_SPEC, REASON_NOT_OWNED);

    /** Conditions of Kafka and cron sources. */
    public static final ConditionSet CONDITIONS = ConditionSet.living(SINK_PROVIDED, DEPLOYED);
    /** The webhook is registered in GitHub or GitLab (by Kiln with spec.accessToken, else by hand). */
    public static final String WEBHOOK_REGISTERED = "WebhookRegistered";
    /** Conditions of webhook sources, which also need their secret and their hook. */
    public static final ConditionSet WEBHOOK_CONDITIONS = ConditionSet.living(SECRETS_PROVIDED, SINK_PROVIDED, DEPLOYED, WEBHOOK_REGISTERED);

    private final SourceStatus status;
    private final ConditionSet.Manager conditions;

    private SourceLifecycle(ConditionSet set, SourceStatus status, Clock clock) {
        this.status = status;
        this.conditions = set.manage(status, clock);
        conditions.initialize();
    }

    /**
     * @param status the status of a Kafka or cron source
     * @param clock the clock for transition times
     * @return a lifecycle over the status
     */
    public static SourceLifecycle of(SourceStatus status, Clock clock) {
        return new SourceLifecycle(status instanceof WebhookSourceStatus ? WEBHOOK_CONDITIONS : CONDITIONS, status, clock);
    }

    /** @return the condition manager, for reading conditions */
    public ConditionSet.Manager conditions() {
        return conditions;
    }

    /** @param errors the validation errors: Ready=False, InvalidSpec, every field path in the message */
    public void markInvalidSpec(FieldErrors errors) {
        conditions.markFalse(ConditionSet.READY, REASON_INVALID_SPEC, errors.summary());
    }

    /** @param uri the sink's resolved URL */
    public void markSink(String uri) {
        status.sinkUri = uri;
        conditions.markTrue(SINK_PROVIDED);
    }

    /**
     * The sink does not resolve (yet).
     *
     * @param reason e.g. SinkNotFound, SinkNotAddressable
     * @param message which object is missing or has no address
     */
    public void markNoSink(String reason, String message) {
        status.sinkUri = null;
        conditions.markFalse(SINK_PROVIDED, reason, message);
    }

    /** The secrets exist. */
    public void markSecrets() {
        conditions.markTrue(SECRETS_PROVIDED);
    }

    /**
     * A secret is missing.
     *
     * @param reason e.g. SecretNotFound
     * @param message which secret and key
     */
    public void markNoSecrets(String reason, String message) {
        conditions.markFalse(SECRETS_PROVIDED, reason, message);
    }

    /** The hooks are registered (or are registered by hand: there is no spec.accessToken). */
    public void markWebhookRegistered() {
        conditions.markTrue(WEBHOOK_REGISTERED);
    }

    /**
     * Registering a hook through the API failed.
     *
     * @param reason CamelCase reason, e.g. WebhookRegistrationFailed
     * @param message what the API answered
     */
    public void markWebhookNotRegistered(String reason, String message) {
        conditions.markFalse(WEBHOOK_REGISTERED, reason, message);
    }

    /** The adapter runs. */
    public void markDeployed() {
        conditions.markTrue(DEPLOYED);
    }

    /**
     * The adapter is starting or failed.
     *
     * @param failed whether it failed (False) or is still starting (Unknown)
     * @param reason CamelCase reason
     * @param message the adapter's state
     */
    public void markNotDeployed(boolean failed, String reason, String message) {
        if (failed) {
            conditions.markFalse(DEPLOYED, reason, message);
        } else {
            conditions.markUnknown(DEPLOYED, reason, message);
        }
    }

    /**
     * An object of the adapter's name (its Deployment, or its Service) exists and is not controlled by this source (no
     * controller ownerReference with its UID). Kiln leaves it as it is, as Knative's reconcilers leave objects they do
     * not own: adopting it would replace someone else's workload, and the garbage collector would delete it with the
     * source. A webhook source's {@code webhookUrl} is cleared: it would name that other Service.
     *
     * @param kind the object's kind, {@code Deployment} or {@code Service}
     * @param name the object's name
     */
    public void markNotOwned(String kind, String name) {
        if (status instanceof WebhookSourceStatus webhook) {
            webhook.webhookUrl = null;
        }
        conditions.markFalse(DEPLOYED, REASON_NOT_OWNED, "There is an existing " + kind + " \"" + name
                + "\" that this source does not own: Kiln leaves it as it is. Delete it, or give the source another name");
    }

    /** @param generation the metadata.generation the status now describes */
    public void observe(Long generation) {
        status.observedGeneration = generation;
    }
}
