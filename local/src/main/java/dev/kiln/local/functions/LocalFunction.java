package dev.kiln.local.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.KnativeDefaults;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * A Function in local mode: its activator (a stable URL from the start), and the instances of the version it
 * serves. Versions come from its {@link Source} (new commits of a Git branch, or edits of a working tree); a new
 * version starts beside the running one, traffic switches once an instance of it is ready, and the old one drains.
 * A version that fails to build or to start leaves the old one serving, and the status says why.
 */
public final class LocalFunction implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalFunction.class.getName());

    /**
     * What {@code kiln get} shows for a function.
     *
     * @param ready whether a version serves
     * @param reason why not, or what is going on (Building, BuildFailed...), null when ready and idle
     * @param message details
     * @param commit the version serving: a commit, or a working tree's version
     * @param url the activator's URL
     * @param instances instances running
     * @param since when the state last changed
     * @param coldStarts its instances' measured starts, or null before the first
     */
    public record Status(boolean ready, String reason, String message, String commit, String url, int instances, Instant since,
            ColdStarts.Summary coldStarts) {
    }

    /** Where a function's versions come from. */
    public interface Source extends AutoCloseable {
        /**
         * Looks for a new version and deploys it when there is one.
         *
         * @return completes when the new version serves or failed (the function's state says which); at once when
         *     nothing moved
         */
        CompletableFuture<Void> refresh();

        /** Stops watching or polling. */
        @Override
        default void close() {
        }
    }

    /**
     * One runnable version: the command that starts an instance of it.
     *
     * @param label what {@code kiln get} shows as its commit
     * @param command the command line of one instance
     * @param directory where instances run
     * @param retired run once the version served and is drained (or never served): what it may delete
     */
    public record Version(String label, List<String> command, Path directory, Runnable retired) {
        /** Copies. */
        public Version {
            command = List.copyOf(command);
        }
    }

    private final Path logs;
    private final Clock clock;
    private final Activator activator;
    private final ColdStarts coldStarts = new ColdStarts();
    private volatile Function function;
    private volatile Map<String, String> env;
    private volatile Source source;
    private volatile InstancePool current;
    private volatile Version serving;
    private volatile String reason = "Building";
    private volatile String message = "waiting for the first build";
    private volatile Instant since;

    /**
     * @param vertx event loops for the activator
     * @param function the Function, defaults applied
     * @param env {@code spec.env} with every reference resolved
     * @param logs where the instance logs go
     * @param port the activator's port (0: any)
     * @param clock the time
     * @param source makes the function's source, given the function it deploys to
     */
    public LocalFunction(Vertx vertx, Function function, Map<String, String> env, Path logs, int port, Clock clock,
            java.util.function.Function<LocalFunction, Source> source) {
        this.function = function;
        this.env = Map.copyOf(env);
        this.logs = logs;
        this.clock = clock;
        this.since = clock.instant();
        this.activator = Activator.listen(vertx, id(), () -> current, () -> Duration.ofSeconds(KnativeDefaults.timeoutSeconds(this.function.getSpec())), port);
        this.source = source.apply(this);
    }

    /** @return {@code namespace/name} */
    public String id() {
        return function.getMetadata().getNamespace() + "/" + function.getMetadata().getName();
    }

    /** @return the activator's URL: the function's address for Triggers, sources and curl */
    public String url() {
        return "http://127.0.0.1:" + activator.port();
    }

    /** @return its instances' measured starts */
    public ColdStarts coldStarts() {
        return coldStarts;
    }

    /** @return the Function as loaded */
    public Function function() {
        return function;
    }

    /** @return its environment, every reference resolved (without what local mode adds) */
    public Map<String, String> environment() {
        return env;
    }

    /** @return the log file of its instances */
    public Path instanceLog() {
        return logs.resolve(function.getMetadata().getNamespace() + "." + function.getMetadata().getName() + ".log");
    }

    /**
     * Asks the source for a new version (a new commit, an edit).
     *
     * @return completes when the new version serves, or failed (the old one still serving)
     */
    public CompletableFuture<Void> refresh() {
        return source.refresh();
    }

    /**
     * The Function's manifest changed (or what its environment reads): the activator and its URL stay. A new source
     * (another repository, revision, context or working tree, another build spec) builds a new version; anything else
     * (environment, scale, timeout) starts the serving version again with it, and switches as a new version does.
     *
     * @param changed the Function as it is now
     * @param newEnv its environment, every reference resolved
     * @param newSource makes its source when the source changed, else null to keep it
     * @return completes when the new version serves, or failed (the old one still serving)
     */
    public CompletableFuture<Void> update(Function changed, Map<String, String> newEnv, java.util.function.Function<LocalFunction, Source> newSource) {
        function = changed;
        env = Map.copyOf(newEnv);
        if (newSource != null) {
            source.close();
            source = newSource.apply(this);
            return source.refresh();
        }
        Version v = serving;
        return v == null ? source.refresh() : deploy(v);
    }

    /** @return the label of the version serving, or null before the first */
    public String serving() {
        Version v = serving;
        return v == null ? null : v.label();
    }

    /**
     * Serves a new version: at once when none serves yet, else once one of its instances is ready (the old version
     * then drains). When it cannot start, the old version keeps serving and the state says why.
     *
     * @param version the version
     * @return completes when it serves, or failed to start
     */
    public CompletableFuture<Void> deploy(Version version) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("KILN_FUNCTION_NAME", function.getMetadata().getName());
        vars.put("KILN_TIMEOUT_SECONDS", Integer.toString(KnativeDefaults.timeoutSeconds(function.getSpec())));
        vars.putAll(env);
        InstancePool next = new InstancePool(id(), Scale.of(function.getSpec().scale),
                new ProcessLauncher(version.command(), version.directory(), vars, instanceLog(), Duration.ofSeconds(60), clock), clock, coldStarts);
        if (current == null) {
            // Nothing serves yet: the new version takes requests at once (the first one starts an instance).
            current = next;
            serving = version;
            next.warm();
            state(null, null);
            return CompletableFuture.completedFuture(null);
        }
        // A version serves: the new one must be ready before it takes traffic.
        return next.acquire().handle((probe, failure) -> {
            if (failure != null) {
                next.drain(Duration.ofSeconds(5)).whenComplete((v, t) -> {
                    if (serving == null || !serving.directory().equals(version.directory())) {
                        version.retired().run();
                    }
                });
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                failed("StartFailed", version.label() + " did not start: " + cause.getMessage());
                return null;
            }
            probe.release();
            InstancePool old = current;
            Version oldVersion = serving;
            current = next;
            serving = version;
            state(null, null);
            LOG.info(id() + ": now serving " + abbreviated(version.label()));
            // The same version started again (a new environment) keeps its files.
            old.drain(Duration.ofSeconds(30)).whenComplete((v, t) -> {
                if (!oldVersion.directory().equals(version.directory())) {
                    oldVersion.retired().run();
                }
            });
            return null;
        });
    }

    /**
     * @param step what is going on, e.g. {@code building abc123}
     */
    public void building(String step) {
        state("Building", step);
    }

    /**
     * A new version could not be made: the old one (if any) keeps serving.
     *
     * @param why the reason, CamelCase
     * @param what the details; the version still serving is added
     */
    public void failed(String why, String what) {
        String still = serving();
        state(why, what + (still == null ? "" : "; still serving " + abbreviated(still)));
        LOG.warning(id() + ": " + what);
    }

    /** Stops idle instances (called periodically). */
    public void reap() {
        InstancePool pool = current;
        if (pool != null) {
            pool.reap();
        }
    }

    /** @return a commit SHA cut to 12 characters, as Git shows it; other labels as they are */
    static String abbreviated(String label) {
        return label.matches("[0-9a-f]{40}") ? label.substring(0, 12) : label;
    }

    private void state(String newReason, String newMessage) {
        reason = newReason;
        message = newMessage;
        since = clock.instant();
    }

    /** @return what {@code kiln get} shows */
    public Status status() {
        InstancePool pool = current;
        if (pool != null && reason == null && pool.size() == 0 && pool.lastFailure() != null) {
            // Built, but its last instance did not start: say so rather than look ready.
            return new Status(false, "StartFailed", pool.lastFailure(), serving(), url(), 0, since, coldStarts.summary());
        }
        return new Status(pool != null, reason, message, serving(), url(), pool == null ? 0 : pool.size(), since, coldStarts.summary());
    }

    @Override
    public void close() {
        source.close();
        activator.close();
        InstancePool pool = current;
        if (pool != null) {
            pool.drain(Duration.ofSeconds(10)).join();
        }
    }
}
