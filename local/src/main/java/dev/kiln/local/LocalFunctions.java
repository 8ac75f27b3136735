package dev.kiln.local;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.validation.GoDurations;
import dev.kiln.builder.push.Push;
import dev.kiln.contract.addressing.Addressing;
import dev.kiln.contract.addressing.Unresolvable;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.manifests.Manifest;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Functions that run, by {@code namespace/name}: each made from its manifest with its activator, asked for new
 * versions (at start, on a push that moved its branch, every {@code spec.source.git.pollInterval}), rolled or
 * stopped as a {@link ReloadPlan} says, and the address Triggers, flows and sources resolve a Function ref to.
 */
final class LocalFunctions implements AutoCloseable {

    /** Where a Function's versions come from. */
    interface Sources {
        /**
         * @param m the Function's manifest
         * @return makes its source, given the function it deploys to
         * @throws IOException when its working tree cannot be watched
         */
        java.util.function.Function<LocalFunction, LocalFunction.Source> of(Manifest m) throws IOException;
    }

    private final Vertx vertx;
    private final Path logs;
    private final Clock clock;
    private final Sources sources;
    private final ScheduledExecutorService timer;
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> polls = new ConcurrentHashMap<>();

    /**
     * @param vertx event loops for the activators
     * @param logs where instances log
     * @param clock the time
     * @param sources where versions come from
     * @param timer runs the polls
     */
    LocalFunctions(Vertx vertx, Path logs, Clock clock, Sources sources, ScheduledExecutorService timer) {
        this.vertx = vertx;
        this.logs = logs;
        this.clock = clock;
        this.sources = sources;
        this.timer = timer;
    }

    /**
     * Makes every Function of the manifests, with its activator (so refs resolve); none is asked for a version yet.
     *
     * @param manifests the manifests
     * @param environments every Function's environment, by {@code Function namespace/name}
     * @throws IOException when a working tree cannot be watched
     */
    void create(List<Manifest> manifests, Map<String, Map<String, String>> environments) throws IOException {
        for (Manifest m : manifests) {
            if (m.resource() instanceof Function) {
                LocalFunction fn = make(m, environments.get(m.describe()));
                functions.put(fn.id(), fn);
            }
        }
    }

    /** Asks every Function for its first version, and starts the polls. */
    void refreshAll() {
        functions.values().forEach(this::refreshAndSchedule);
    }

    /** Stops the instances idle for their retention; run every second. */
    void reap() {
        functions.values().forEach(LocalFunction::reap);
    }

    /**
     * Carries out the Functions' part of a reload.
     *
     * @param plan what to do
     * @param environments every Function's new environment, by {@code Function namespace/name}
     * @throws IOException when a working tree cannot be watched
     */
    void apply(ReloadPlan plan, Map<String, Map<String, String>> environments) throws IOException {
        for (String id : plan.stopped()) {
            cancelPoll(id);
            LocalFunction gone = functions.remove(id);
            if (gone != null) {
                CompletableFuture.runAsync(gone::close);
            }
        }
        for (Manifest m : plan.started()) {
            LocalFunction added = make(m, environments.get(m.describe()));
            functions.put(added.id(), added);
            refreshAndSchedule(added);
        }
        for (Manifest m : plan.rebuilt()) {
            update(m, environments.get(m.describe()), sources.of(m));
        }
        for (Manifest m : plan.restarted()) {
            update(m, environments.get(m.describe()), null);
        }
    }

    private void update(Manifest m, Map<String, String> env, java.util.function.Function<LocalFunction, LocalFunction.Source> source) {
        LocalFunction fn = functions.get(ReloadPlan.id(m.resource()));
        cancelPoll(fn.id());
        fn.update((Function) m.resource(), env, source);
        schedulePoll(fn);
    }

    private LocalFunction make(Manifest m, Map<String, String> env) throws IOException {
        return new LocalFunction(vertx, (Function) m.resource(), env, logs, 0, clock, sources.of(m));
    }

    /**
     * A push: every function whose repository and revision it moved is resolved again, and so rebuilt.
     *
     * @param push the push
     * @return the functions asked to rebuild, {@code namespace/name}
     */
    List<String> onPush(Push push) {
        List<String> moved = new ArrayList<>();
        for (Function f : PushRebuilds.moved(push, functions.values().stream().map(LocalFunction::function).toList())) {
            LocalFunction fn = functions.get(ReloadPlan.id(f));
            moved.add(fn.id());
            fn.refresh();
        }
        return moved;
    }

    /**
     * Refs the eventing plane does not host: Functions (and Knative Services of the same name) are their activators.
     *
     * @throws Unresolvable when the ref is not a Function that runs
     */
    URI address(Addressing.Ref ref) {
        boolean function = "Function".equals(ref.kind()) || ref.is("serving.knative.dev", "Service");
        LocalFunction fn = function ? functions.get(ref.namespace() + "/" + ref.name()) : null;
        if (fn == null) {
            throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " is not among the manifests");
        }
        return URI.create(fn.url());
    }

    /**
     * @param id {@code namespace/name}
     * @return the environment the Function runs with, or null when it does not run
     */
    Map<String, String> environment(String id) {
        LocalFunction fn = functions.get(id);
        return fn == null ? null : fn.environment();
    }

    /** @return the functions, by {@code namespace/name} */
    Map<String, LocalFunction> all() {
        return functions;
    }

    private void refreshAndSchedule(LocalFunction fn) {
        fn.refresh();
        schedulePoll(fn);
    }

    private void schedulePoll(LocalFunction fn) {
        String poll = fn.function().getSpec().source.git.pollInterval; // never set for a working tree (Manifests)
        if (poll != null) {
            long ms = GoDurations.parse(poll).toMillis();
            polls.put(fn.id(), timer.scheduleWithFixedDelay(fn::refresh, ms, ms, TimeUnit.MILLISECONDS));
        }
    }

    private void cancelPoll(String id) {
        ScheduledFuture<?> poll = polls.remove(id);
        if (poll != null) {
            poll.cancel(false);
        }
    }

    /** Drains and stops every Function, at most 20 s. */
    @Override
    public void close() {
        polls.values().forEach(p -> p.cancel(false));
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (LocalFunction f : functions.values()) {
            stops.add(CompletableFuture.runAsync(f::close));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
}
