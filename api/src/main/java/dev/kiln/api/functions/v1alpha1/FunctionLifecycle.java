package dev.kiln.api.functions.v1alpha1;

import dev.kiln.api.duck.Addressable;
import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.ConditionSet;
import dev.kiln.api.validation.FieldErrors;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The conditions of a Function and the transitions between them. {@code Ready} holds when the source is
 * resolved, the build succeeded and the service is ready.
 */
public final class FunctionLifecycle {

    /** The revision resolved to a commit. */
    public static final String SOURCE_RESOLVED = "SourceResolved";
    /** An image exists for the current build key. */
    public static final String BUILD_SUCCEEDED = "BuildSucceeded";
    /** The Knative Service (or the local instance set) serves the current image. */
    public static final String SERVICE_READY = "ServiceReady";

    /** Reason: the spec has errors; the message lists every field path. */
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    /** Reason: a build is running. */
    public static final String REASON_BUILDING = "Building";
    /** Reason: the service is rolling out the new image. */
    public static final String REASON_DEPLOYING = "Deploying";
    /** Reason: an object of the name Kiln would use exists, and this Function is not its controller. */
    public static final String REASON_NOT_OWNED = "NotOwned";
    /** Reason: the Secret the build would push with does not exist in the Function's namespace. */
    public static final String REASON_PUSH_SECRET_NOT_FOUND = "PushSecretNotFound";
    /** Reason: the Secret the build would push with is not of type {@value #DOCKER_CONFIG_JSON}. */
    public static final String REASON_PUSH_SECRET_INVALID = "PushSecretInvalid";
    /**
     * The one type of push Secret that works for both of its uses: Kaniko reads its {@value #DOCKER_CONFIG_JSON_KEY}
     * as {@code config.json}, and the kubelet pulls the revision's image with a Secret of this type or of
     * {@code kubernetes.io/dockercfg} (whose {@code .dockercfg} Kaniko cannot read) and ignores any other.
     */
    public static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
    /** The key of a {@value #DOCKER_CONFIG_JSON} Secret that holds the registry credentials. */
    public static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";
    /**
     * Reason (on {@code BuildSucceeded}): the cluster refused to create the build Job (the API server's validation, an
     * admission plugin such as a ResourceQuota, a validating webhook, RBAC); the message is the API server's.
     */
    public static final String REASON_JOB_REFUSED = "JobRefused";
    /**
     * Reason (on {@code BuildSucceeded}): a Job of the build's name exists but ran another build (another build key or
     * {@code kiln.dev/rebuild} value, or not the Function's), so its outcome is not this build's; not final.
     */
    public static final String REASON_JOB_NAME_TAKEN = "JobNameTaken";
    /**
     * Reason (on {@code ServiceReady}): the cluster refused to create or update the Knative Service (Knative Serving's
     * webhook, another validating webhook or policy, RBAC); the message is the API server's.
     */
    public static final String REASON_SERVICE_REFUSED = "ServiceRefused";

    /**
     * The reasons that are also Warning Events on the Function (as Knative's reconcilers record their failures): the
     * cluster or the Function's own spec refuses what Kiln would do, and someone must act. A build that ran and failed,
     * or a source that does not resolve, is the Function's ordinary outcome and stays in its conditions.
     */
    public static final Set<String> WARNINGS = Set.of(REASON_INVALID_SPEC, REASON_NOT_OWNED, REASON_PUSH_SECRET_NOT_FOUND,
            REASON_PUSH_SECRET_INVALID, REASON_JOB_REFUSED, REASON_SERVICE_REFUSED);

    /** The soonest a refused write is tried again (see {@link #refusedWriteRetry}). */
    public static final Duration REFUSED_WRITE_RETRY_MIN = Duration.ofSeconds(10);
    /** The latest a refused write is tried again (see {@link #refusedWriteRetry}). */
    public static final Duration REFUSED_WRITE_RETRY_MAX = Duration.ofMinutes(10);

    /** The condition set of Function. */
    public static final ConditionSet CONDITIONS =
            ConditionSet.living(SOURCE_RESOLVED, BUILD_SUCCEEDED, SERVICE_READY);

    private final FunctionStatus status;
    private final ConditionSet.Manager conditions;
    private final Clock clock;

    private FunctionLifecycle(FunctionStatus status, Clock clock) {
        this.status = status;
        this.clock = clock;
        this.conditions = CONDITIONS.manage(status, clock);
        conditions.initialize();
    }

    /**
     * @param status the status to update (conditions missing from it are added as Unknown)
     * @param clock the clock for transition times
     * @return a lifecycle over the status
     */
    public static FunctionLifecycle of(FunctionStatus status, Clock clock) {
        return new FunctionLifecycle(status, clock);
    }

    /** @return the condition manager, for reading conditions */
    public ConditionSet.Manager conditions() {
        return conditions;
    }

    /**
     * The spec is invalid: Ready=False with reason InvalidSpec and every error in the message.
     *
     * @param errors the validation errors (not empty)
     */
    public void markInvalidSpec(FieldErrors errors) {
        conditions.markFalse(ConditionSet.READY, REASON_INVALID_SPEC, errors.summary());
    }

    /**
     * The revision resolved to a commit.
     *
     * @param commit the full commit SHA
     */
    public void markSourceResolved(String commit) {
        status.commit = commit;
        conditions.markTrue(SOURCE_RESOLVED);
    }

    /**
     * The revision could not be resolved.
     *
     * @param reason e.g. RevisionNotFound, RepositoryUnreachable, AuthenticationFailed
     * @param message what happened and what to do
     */
    public void markSourceFailed(String reason, String message) {
        conditions.markFalse(SOURCE_RESOLVED, reason, message);
    }

    /**
     * A build started or is still running.
     *
     * @param build the build's name, key, commit and start time
     */
    public void markBuildRunning(BuildStatus build) {
        status.build = build;
        conditions.markUnknown(BUILD_SUCCEEDED, REASON_BUILDING,
                "Building commit " + shortSha(build.commit) + " in " + build.name);
    }

    /**
     * An image exists for the current build key.
     *
     * @param image the image pinned by digest
     * @param completedAt when the build finished, RFC 3339 (null if the image was already known)
     */
    public void markBuildSucceeded(String image, String completedAt) {
        status.image = image;
        if (status.build != null && completedAt != null) {
            status.build.completedAt = completedAt;
        }
        conditions.markTrue(BUILD_SUCCEEDED);
    }

    /**
     * The build failed.
     *
     * @param reason e.g. BuildFailed, BuildTimedOut, NoBuildStrategy
     * @param message what happened, with the tail of the build log
     */
    public void markBuildFailed(String reason, String message) {
        conditions.markFalse(BUILD_SUCCEEDED, reason, message);
    }

    /**
     * The cluster refused to create the build Job. Unlike a build that ran and failed, this is not final for the build
     * key: the Job is asked for again ({@link #refusedWriteRetry}), since a quota or a policy may change.
     *
     * @param message the API server's message, which names the Job and who refused it
     */
    public void markJobRefused(String message) {
        conditions.markFalse(BUILD_SUCCEEDED, REASON_JOB_REFUSED, "the cluster refused to create the build Job: " + message);
    }

    /**
     * The current build ran and failed: it is final for its key ({@link #buildFailedFor}) until a new
     * {@code kiln.dev/rebuild} value asks again, unlike a build that could not start ({@link #markBuildFailed(String, String)}),
     * which is tried again.
     *
     * @param reason e.g. BuildFailed, BuildTimedOut, BuildOutOfMemory
     * @param message what happened, with the tail of the build log
     * @param completedAt when the build finished, RFC 3339
     */
    public void markBuildFailed(String reason, String message, String completedAt) {
        if (status.build != null) {
            status.build.completedAt = completedAt;
        }
        markBuildFailed(reason, message);
    }

    /**
     * Checks the Secret a build is about to push with, before its Job is created: a Job whose Secret is missing, or
     * lacks the key it mounts ({@value #DOCKER_CONFIG_JSON_KEY}), waits in {@code ContainerCreating} ({@code FailedMount}) until its deadline, and an image
     * pushed with a Secret of another type cannot be pulled with it. When it is not usable, {@code BuildSucceeded=False}
     * says why and what is expected ({@link #waitsForPushSecret}: the build is tried again, not final).
     *
     * @param name the Secret's name
     * @param namedBy where it is named, e.g. {@code spec.build.pushSecretRef}
     * @param namespace the Function's namespace
     * @param secret the Secret as the API server returned it, or null when it does not exist
     * @return true when the build can push with it
     */
    public boolean checkPushSecret(String name, String namedBy, String namespace, Secret secret) {
        String expected = "the build pushes with it and the revision pulls with it: it must be a Secret of type " + DOCKER_CONFIG_JSON
                + " with the registry's credentials under " + DOCKER_CONFIG_JSON_KEY + " (kubectl create secret docker-registry " + name
                + " -n " + namespace + " ...)";
        String subject = "secret " + name + " (" + namedBy + ")";
        if (secret == null) {
            markBuildFailed(REASON_PUSH_SECRET_NOT_FOUND, subject + " does not exist in namespace " + namespace + "; " + expected);
            return false;
        }
        // The type is enough: the API server refuses a Secret of this type whose .dockerconfigjson is missing or not JSON
        // (ValidateSecret in kubernetes' pkg/apis/core/validation), and any other type may lack the key.
        String type = secret.getType() == null ? "Opaque" : secret.getType(); // the API server's default
        if (!DOCKER_CONFIG_JSON.equals(type)) {
            markBuildFailed(REASON_PUSH_SECRET_INVALID, subject + " in namespace " + namespace + " is of type " + type + "; " + expected);
            return false;
        }
        return true;
    }

    /**
     * @return whether the build waits for a usable push Secret ({@link #checkPushSecret}): the Secret may be created or
     *     fixed at any time, so the build is tried again
     */
    public boolean waitsForPushSecret() {
        return conditions.get(BUILD_SUCCEEDED).map(c -> Condition.FALSE.equals(c.status)
                && (REASON_PUSH_SECRET_NOT_FOUND.equals(c.reason) || REASON_PUSH_SECRET_INVALID.equals(c.reason))).orElse(false);
    }

    /**
     * Whether the build of {@code key} ran and failed and no new build of it was asked for since: then it is not started
     * again, even once its Job is gone (a Job's TTL deletes it), and the failed condition stays as it is. A broken
     * commit is not rebuilt daily, and Ready does not flap. Only a value asks: removing the annotation after a
     * rebuild failed asks for nothing (the failed build stands), as no one who deletes an annotation means "build again".
     *
     * @param key the build key of the inputs to build now
     * @param rebuild the Function's {@code kiln.dev/rebuild} annotation now, or null
     * @return true when the failed build of {@code key} stands
     */
    public boolean buildFailedFor(String key, String rebuild) {
        return buildOf(key) && buildFailed() && status.build.completedAt != null && (rebuild == null || rebuild.equals(status.build.rebuild));
    }

    /**
     * The {@code kiln.dev/rebuild} value the build of {@code key} is to run under: the current build's while it runs
     * or has succeeded (a new value then starts nothing), the one asked for otherwise.
     *
     * @param key the build key of the inputs to build now
     * @param rebuild the Function's {@code kiln.dev/rebuild} annotation now, or null
     * @return the value to build under, or null
     */
    public String rebuildFor(String key, String rebuild) {
        return buildOf(key) && !buildFailed() ? status.build.rebuild : rebuild;
    }

    private boolean buildOf(String key) {
        return status.build != null && key.equals(status.build.key);
    }

    private boolean buildFailed() {
        return conditions.get(BUILD_SUCCEEDED).map(c -> Condition.FALSE.equals(c.status)).orElse(false);
    }

    /**
     * The service serves the current image.
     *
     * @param url public URL
     * @param addressUrl cluster-internal URL that accepts events
     */
    public void markServiceReady(String url, String addressUrl) {
        status.url = url;
        status.address = addressUrl == null ? null : new Addressable(addressUrl);
        conditions.markTrue(SERVICE_READY);
    }

    /**
     * The service is rolling out or waiting for its dependencies.
     *
     * @param reason CamelCase reason
     * @param message what is in progress
     */
    public void markServiceUnknown(String reason, String message) {
        conditions.markUnknown(SERVICE_READY, reason, message);
    }

    /**
     * The service failed.
     *
     * @param reason CamelCase reason, as reported by the service
     * @param message the service's message
     */
    public void markServiceFailed(String reason, String message) {
        conditions.markFalse(SERVICE_READY, reason, message);
    }

    /**
     * A Knative Service of the Function's name exists and is not controlled by this Function (no controller
     * ownerReference with its UID): someone else's, or one left by a deleted Function of the same name that the
     * garbage collector has not removed yet. Kiln leaves it as it is, as Knative's Service reconciler leaves a
     * Configuration or Route it does not own ({@code MarkConfigurationNotOwned}): adopting it would run the Function's
     * image in it, and the garbage collector would delete it with the Function. The URL and address are cleared: they
     * would send requests and events to that Service.
     *
     * @param name the Knative Service's name
     */
    public void markServiceNotOwned(String name) {
        status.url = null;
        status.address = null;
        conditions.markFalse(SERVICE_READY, REASON_NOT_OWNED, "There is an existing Knative Service \"" + name
                + "\" that this Function does not own: Kiln leaves it as it is. Delete it, or give the Function another name");
    }

    /** @return whether the last {@link #markServiceNotOwned} stands: the Service is someone else's */
    public boolean serviceNotOwned() {
        return conditions.get(SERVICE_READY).map(c -> Condition.FALSE.equals(c.status) && REASON_NOT_OWNED.equals(c.reason)).orElse(false);
    }

    /**
     * The cluster refused to create or update the Knative Service. The image stays in the status, so the Function is
     * not built again; the write is tried again ({@link #refusedWriteRetry}).
     *
     * @param verb {@code create} or {@code update}
     * @param message the API server's message, which names the Service and who refused it
     */
    public void markServiceRefused(String verb, String message) {
        conditions.markFalse(SERVICE_READY, REASON_SERVICE_REFUSED, "the cluster refused to " + verb + " the Knative Service: " + message);
    }

    /**
     * How soon to try a refused write again: as long as the refusal has lasted (since its condition turned False),
     * between {@link #REFUSED_WRITE_RETRY_MIN} and {@link #REFUSED_WRITE_RETRY_MAX}, so the wait about doubles from
     * one try to the next. It is read from the status, so it survives a restart of the controller; an edit of the
     * Function is tried at once.
     *
     * @return the wait, or empty when no write was refused
     */
    public Optional<Duration> refusedWriteRetry() {
        return Stream.of(refusedSince(BUILD_SUCCEEDED, REASON_JOB_REFUSED), refusedSince(SERVICE_READY, REASON_SERVICE_REFUSED))
                .flatMap(Optional::stream)
                .map(since -> Duration.between(since, clock.instant()))
                .map(age -> age.compareTo(REFUSED_WRITE_RETRY_MIN) < 0 ? REFUSED_WRITE_RETRY_MIN
                        : age.compareTo(REFUSED_WRITE_RETRY_MAX) > 0 ? REFUSED_WRITE_RETRY_MAX : age)
                .min(Duration::compareTo);
    }

    private Optional<Instant> refusedSince(String type, String reason) {
        return conditions.get(type).filter(c -> c.isFalse() && reason.equals(c.reason))
                .map(c -> c.lastTransitionTime == null ? clock.instant() : Instant.parse(c.lastTransitionTime));
    }

    /** @param generation the metadata.generation the status now describes */
    public void observe(Long generation) {
        status.observedGeneration = generation;
    }

    private static String shortSha(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(12, commit.length()));
    }
}
