package dev.kiln.controller.functions;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.ConditionSet;
import dev.kiln.api.functions.v1alpha1.BuildStatus;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.FunctionLifecycle;
import dev.kiln.api.functions.v1alpha1.FunctionStatus;
import dev.kiln.api.functions.v1alpha1.FunctionValidation;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.GoDurations;
import dev.kiln.builder.BuilderVersion;
import dev.kiln.builder.git.SourceException;
import dev.kiln.builder.plan.BuildInputs;
import dev.kiln.builder.plan.BuildKey;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.builder.resources.BuildOutcome;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.builder.resources.KanikoBuild;
import dev.kiln.contract.Labels;
import dev.kiln.controller.Owners;
import dev.kiln.controller.RecentlyUsed;
import dev.kiln.controller.Refusals;
import dev.kiln.controller.StatusPatches;
import dev.kiln.controller.WarningEvents;
import dev.kiln.controller.push.FunctionsByRepository;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A Function's reconciler: validate → resolve the commit → a Kaniko Job for the build key unless an image exists
 * for it → the image digest from the finished Job → a Knative Service running that digest → its readiness, URL
 * and address in the Function's status. Desired objects come from pure builders ({@link Jobs},
 * {@link KnativeServices}); this class reads, compares, creates or updates, and reports.
 *
 * <p>No finalizer: Jobs and the Knative Service are owned by the Function (ownerReferences), so the garbage
 * collector removes them, and deleting a Function or its namespace never waits for the controller.
 *
 * <p>Generation-aware filtering is off: a push sets an annotation ({@link Labels#REFRESH}),
 * which must trigger a reconcile without changing the generation. Every reconcile is idempotent.
 */
@ControllerConfiguration(name = "functions", generationAwareEventProcessing = false)
public class FunctionReconciler implements Reconciler<Function> {

    private static final Logger LOG = Logger.getLogger(FunctionReconciler.class);
    /** How soon a Function whose source failed to resolve is tried again. */
    static final Duration SOURCE_RETRY = Duration.ofMinutes(1);
    /**
     * How soon a Function whose Knative Service's name is taken looks again: a Service Kiln does not own is not in its
     * informer (no Kiln label), so its deletion brings no event.
     */
    static final Duration NOT_OWNED_RETRY = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final CommitResolver resolver;
    private final BuilderConfig builderConfig;
    private final ImageRegistry registry;
    private final Clock clock;
    private final FunctionsByRepository byRepository;
    private final WarningEvents events;
    private final Map<String, Strategy> strategies = RecentlyUsed.map();

    /**
     * @param client the Kubernetes client
     * @param resolver commit resolution
     * @param builderConfig build images and limits
     * @param registry where images are pushed
     * @param clock the time
     */
    public FunctionReconciler(KubernetesClient client, CommitResolver resolver, BuilderConfig builderConfig, ImageRegistry registry, Clock clock) {
        this(client, resolver, builderConfig, registry, clock, new FunctionsByRepository());
    }

    /**
     * @param client the Kubernetes client
     * @param resolver commit resolution
     * @param builderConfig build images and limits
     * @param registry where images are pushed
     * @param clock the time
     * @param byRepository the push endpoint's index, added to this reconciler's Function informer
     */
    @Inject
    public FunctionReconciler(KubernetesClient client, CommitResolver resolver, BuilderConfig builderConfig, ImageRegistry registry, Clock clock,
            FunctionsByRepository byRepository) {
        this.client = client;
        this.resolver = resolver;
        this.builderConfig = builderConfig;
        this.registry = registry;
        this.clock = clock;
        this.byRepository = byRepository;
        this.events = new WarningEvents(client, clock);
    }

    @Override
    public List<EventSource<?, Function>> prepareEventSources(EventSourceContext<Function> context) {
        byRepository.index(context.getPrimaryCache());
        InformerEventSource<Job, Function> jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, Function.class)
                .withLabelSelector(Labels.selector(Labels.COMPONENT_BUILD))
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Function.class))
                .build(), context);
        InformerEventSource<Service, Function> services = new InformerEventSource<>(InformerEventSourceConfiguration.from(Service.class, Function.class)
                .withLabelSelector(Labels.selector(null))
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Function.class))
                .build(), context);
        return List.of(jobs, services);
    }

    @Override
    public UpdateControl<Function> reconcile(Function function, Context<Function> context) {
        FunctionStatus status = function.getStatus() == null ? new FunctionStatus() : function.getStatus();
        function.setStatus(status);
        String before = StatusPatches.snapshot(client, status);
        Set<WarningEvents.Warning> warned = WarningEvents.of(status, FunctionLifecycle.WARNINGS);
        FunctionLifecycle life = FunctionLifecycle.of(status, clock);
        life.observe(function.getMetadata().getGeneration());

        FieldErrors errors = FunctionValidation.validate(function, registry.policy());
        if (!errors.isEmpty()) {
            life.markInvalidSpec(errors);
            return writeStatus(function, before, warned, null);
        }
        try {
            return writeStatus(function, before, warned, resolveBuildAndDeploy(function, context, life));
        } catch (RuntimeException e) {
            // The status collected so far goes out before JOSDK retries: an image a build just produced is never lost
            // (its Job's TTL would otherwise remove the only record of it, and the Function would be built again).
            try {
                writeStatus(function, before, warned, null);
            } catch (RuntimeException unwritten) {
                e.addSuppressed(unwritten);
            }
            throw e;
        }
    }

    /** @return how soon to reconcile again, or null for the next event */
    private Duration resolveBuildAndDeploy(Function function, Context<Function> context, FunctionLifecycle life) {
        FunctionStatus status = function.getStatus();
        FunctionDefaults.apply(function);
        GitSource git = function.getSpec().source.git;

        String commit;
        try {
            commit = resolver.resolve(function);
        } catch (SourceException e) {
            life.markSourceFailed(e.reason().name(), e.getMessage());
            return SOURCE_RETRY;
        }
        life.markSourceResolved(commit);

        String contextDir = git.contextDir == null ? "" : git.contextDir;
        String buildCommit = buildCommit(function, commit, contextDir);
        String key = BuildKey.of(buildCommit, contextDir, function.getSpec().build, BuilderVersion.CURRENT);
        boolean built = status.build != null && key.equals(status.build.key) && status.image != null
                && life.conditions().get(FunctionLifecycle.BUILD_SUCCEEDED).map(c -> Condition.TRUE.equals(c.status)).orElse(false);
        String rebuild = function.getMetadata().getAnnotations() == null ? null : function.getMetadata().getAnnotations().get(Labels.REBUILD);
        if (!built && !life.buildFailedFor(key, rebuild)) {
            built = build(function, context, life, buildCommit, contextDir, key, life.rebuildFor(key, rebuild));
        }
        if (built) {
            try {
                deploy(function, context, life, buildCommit, strategy(function, buildCommit, contextDir, key));
            } catch (SourceException | IllegalArgumentException e) {
                life.markServiceUnknown(FunctionLifecycle.REASON_DEPLOYING, "cannot tell how " + buildCommit + " was built: " + e.getMessage());
            }
        } else {
            deploy(function, context, life, null, null);
        }
        return lookAgainAfter(life, CommitResolver.pollInterval(function));
    }

    /**
     * @param life the Function's conditions after this reconcile
     * @param poll its {@code pollInterval}, or null
     * @return when to reconcile it again without an event, or null for only on the next event
     */
    static Duration lookAgainAfter(FunctionLifecycle life, Duration poll) {
        // Neither a Knative Service Kiln does not own nor the push Secret is watched (the one is outside Kiln's informer,
        // the other would need list and watch on every namespace's Secrets): the Function looks again, as a source that
        // failed to resolve, or sooner at its poll. A refused write is tried again with a backoff of its own.
        Duration retry = life.serviceNotOwned() ? NOT_OWNED_RETRY : life.waitsForPushSecret() ? SOURCE_RETRY
                : life.refusedWriteRetry().orElse(null);
        return retry != null && (poll == null || poll.compareTo(retry) > 0) ? retry : poll;
    }

    /**
     * The commit to build: the resolved one, unless the last build was of the same spec at another commit and the
     * commits differ in nothing the build reads ({@link BuildInputs}), as when a push to a monorepo changed another
     * Function. Then that build stands, and the Function is not rebuilt or rolled.
     */
    private String buildCommit(Function function, String commit, String contextDir) {
        BuildStatus last = function.getStatus().build;
        if (last == null || last.commit == null || last.commit.equals(commit)
                || !BuildKey.of(last.commit, contextDir, function.getSpec().build, BuilderVersion.CURRENT).equals(last.key)) {
            return commit;
        }
        GitSource git = function.getSpec().source.git;
        try {
            var credentials = resolver.credentials(function);
            // The last build's commit may be one a force push replaced: compared with, never built again (GitSources.built).
            var changed = resolver.sources().changedPaths(resolver.sources().built(git.url, last.commit, credentials),
                    resolver.sources().fetch(git.url, commit, credentials));
            return BuildInputs.touched(changed, contextDir, function.getSpec().build.dockerfile) ? commit : last.commit;
        } catch (SourceException e) {
            LOG.debugf("%s/%s: cannot compare %s with %s (%s): building", function.getMetadata().getNamespace(), function.getMetadata().getName(),
                    last.commit, commit, e.getMessage());
            return commit;
        }
    }

    /**
     * Writes the status itself ({@link StatusPatches}) and tells JOSDK not to; then a Warning Event for each refusal the
     * status now shows and did not before (after the write, so a write that fails records nothing twice).
     */
    private UpdateControl<Function> writeStatus(Function function, String before, Set<WarningEvents.Warning> warned, Duration reschedule) {
        StatusPatches.writeIfChanged(client, function, function.getStatus(), before);
        events.recordNew(function, warned, WarningEvents.of(function.getStatus(), FunctionLifecycle.WARNINGS));
        UpdateControl<Function> control = UpdateControl.noUpdate();
        return reschedule == null ? control : control.rescheduleAfter(reschedule);
    }

    /** @return true when the image for {@code key} is in the status now */
    private boolean build(Function function, Context<Function> context, FunctionLifecycle life, String commit, String contextDir, String key,
            String rebuild) {
        FunctionStatus status = function.getStatus();
        Strategy strategy;
        try {
            strategy = strategy(function, commit, contextDir, key);
        } catch (SourceException e) {
            life.markBuildFailed(e.reason().name(), e.getMessage());
            return false;
        } catch (IllegalArgumentException e) {
            life.markBuildFailed("SourcePreparationFailed", e.getMessage());
            return false;
        }
        KanikoBuild plan = plan(function, commit, contextDir, strategy, key, rebuild);
        String jobName = Jobs.name(plan);
        Optional<Job> job = context.getSecondaryResources(Job.class).stream()
                .filter(j -> jobName.equals(j.getMetadata().getName())).findFirst();
        if (job.isEmpty()) {
            // Not in the informer's cache: ask the API server, so a restart or a slow cache never builds twice.
            job = Optional.ofNullable(client.batch().v1().jobs().inNamespace(function.getMetadata().getNamespace()).withName(jobName).get());
        }
        if (job.isPresent() && !Jobs.isFor(job.get(), plan)) {
            // The name holds only part of the key and of the rebuild value's hash: never report another request's outcome.
            life.markBuildFailed(FunctionLifecycle.REASON_JOB_NAME_TAKEN, "Job " + jobName + " exists and is not this build's (another "
                    + "build key, kiln.dev/rebuild value or owner): " + (rebuild == null ? "set the kiln.dev/rebuild annotation to build"
                    : "set kiln.dev/rebuild to another value") + ", or delete that Job");
            return false;
        }
        if (job.isEmpty()) {
            if (plan.pushSecret() != null && !life.checkPushSecret(plan.pushSecret(), registry.pushSecretNamedBy(function),
                    function.getMetadata().getNamespace(),
                    client.secrets().inNamespace(function.getMetadata().getNamespace()).withName(plan.pushSecret()).get())) {
                return false;
            }
            try {
                client.resource(Jobs.kanikoBuild(plan, builderConfig)).create();
            } catch (KubernetesClientException e) {
                life.markJobRefused(Refusals.messageOf(e));
                return false;
            }
            LOG.infof("%s/%s: building %s in Job %s", function.getMetadata().getNamespace(), function.getMetadata().getName(), commit, jobName);
            life.markBuildRunning(buildStatus(status, jobName, key, commit, rebuild, clock));
            return false;
        }
        List<Pod> pods = client.pods().inNamespace(function.getMetadata().getNamespace()).withLabel("job-name", jobName).list().getItems();
        BuildOutcome outcome = BuildOutcome.of(job.get(), pods);
        switch (outcome.state()) {
            case RUNNING -> {
                life.markBuildRunning(buildStatus(status, jobName, key, commit, rebuild, clock));
                return false;
            }
            case SUCCEEDED -> {
                status.build = buildStatus(status, jobName, key, commit, rebuild, clock);
                life.markBuildSucceeded(outcome.image(), clock.instant().toString());
                return true;
            }
            default -> {
                status.build = buildStatus(status, jobName, key, commit, rebuild, clock);
                life.markBuildFailed(outcome.reason(), outcome.message(), clock.instant().toString());
                return false;
            }
        }
    }

    private static BuildStatus buildStatus(FunctionStatus status, String jobName, String key, String commit, String rebuild, Clock clock) {
        if (status.build != null && key.equals(status.build.key) && java.util.Objects.equals(rebuild, status.build.rebuild)) {
            return status.build;
        }
        BuildStatus b = new BuildStatus();
        b.name = jobName;
        b.key = key;
        b.commit = commit;
        b.rebuild = rebuild;
        b.startedAt = clock.instant().toString();
        return b;
    }

    private void deploy(Function function, Context<Function> context, FunctionLifecycle life, String builtCommit, Strategy strategy) {
        FunctionStatus status = function.getStatus();
        String name = function.getMetadata().getName();
        Optional<Service> existing = context.getSecondaryResources(Service.class).stream()
                .filter(s -> name.equals(s.getMetadata().getName())).findFirst();
        if (builtCommit != null) {
            Service desired = KnativeServices.applied(KnativeServices.desired(function, status.image, builtCommit, strategy,
                    registry.pushSecretFor(function)));
            if (existing.isEmpty()) {
                Service current = client.resources(Service.class).inNamespace(function.getMetadata().getNamespace()).withName(name).get();
                existing = Optional.ofNullable(current);
            }
            try {
                if (existing.isEmpty()) {
                    existing = Optional.of(client.resource(KnativeServices.writeOver(null, desired)).create());
                } else if (Owners.controls(function, existing.get()) && KnativeServices.differs(existing.get(), desired)) {
                    existing = Optional.of(client.resource(KnativeServices.writeOver(existing.get(), desired)).update());
                }
            } catch (KubernetesClientException e) {
                life.markServiceRefused(existing.isEmpty() ? "create" : "update", Refusals.messageOf(e));
                return;
            }
        }
        if (existing.isPresent() && !Owners.controls(function, existing.get())) {
            life.markServiceNotOwned(name);
            return;
        }
        if (existing.isEmpty()) {
            life.markServiceUnknown(FunctionLifecycle.REASON_DEPLOYING, "waiting for the first build");
            return;
        }
        KnativeServiceReadiness.propagate(existing.get(), status.image, life);
    }

    private Strategy strategy(Function function, String commit, String contextDir, String key) throws SourceException {
        // Per Function, not per build key: the key names no repository and no credentials, and another namespace's
        // Function at the same commit must show its own credentials to the remote (GitSources.shared) before it learns
        // anything of a private repository.
        String cacheKey = function.getMetadata().getUid() + " " + key;
        Strategy known = strategies.get(cacheKey);
        if (known != null) {
            return known;
        }
        GitSource git = function.getSpec().source.git;
        var fetched = resolver.sources().fetch(git.url, commit, resolver.credentials(function));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kiln-strategy");
            Path context = dir.resolve("context");
            resolver.sources().export(fetched, contextDir, context);
            Strategy strategy = Strategy.detect(context, function.getSpec().build);
            strategies.put(cacheKey, strategy);
            return strategy;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    private KanikoBuild plan(Function function, String commit, String contextDir, Strategy strategy, String key, String rebuild) {
        var spec = function.getSpec();
        String image = registry.imageFor(function);
        String pushSecret = registry.pushSecretFor(function);
        return new KanikoBuild(function.getMetadata().getName(), function.getMetadata().getNamespace(), function.getMetadata().getUid(),
                spec.source.git.url, commit, contextDir, spec.source.git.secretRef == null ? null : spec.source.git.secretRef.getName(),
                strategy, spec.build.dockerfile, image, pushSecret, key, GoDurations.parse(spec.build.timeout).toSeconds(), rebuild);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            LOG.debugf("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
