package dev.kiln.local.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.validation.GoDurations;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.SourceException;
import dev.kiln.builder.host.BuildLog;
import dev.kiln.builder.host.HostBuild;
import dev.kiln.builder.host.HostBuildException;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.function.launch.JavaRuntime;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * A Function in local mode: its activator (a stable URL from the start), and the instances of the version it
 * serves. A new commit is built beside the running version; traffic switches once an instance of the new version
 * is ready, and the old one drains. A failed build leaves the old version serving and says why in the status.
 */
public final class LocalFunction implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalFunction.class.getName());
    /** Revision resolution (network I/O), off the callers' threads. */
    private static final ExecutorService RESOLVE = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kiln-resolve");
        t.setDaemon(true);
        return t;
    });

    /**
     * What {@code kiln get} shows for a function.
     *
     * @param ready whether a version serves
     * @param reason why not, or what is going on (Building, BuildFailed...), null when ready and idle
     * @param message details
     * @param commit the commit serving
     * @param url the activator's URL
     * @param instances instances running
     * @param since when the state last changed
     */
    public record Status(boolean ready, String reason, String message, String commit, String url, int instances, Instant since) {
    }

    /** Where a Function's Git credentials come from (in local mode, the manifests' Secrets). */
    @FunctionalInterface
    public interface Credentials {
        /** @return the credentials for the Function's repository @throws SourceException when its Secret is unusable */
        GitCredentials of(Function function) throws SourceException;
    }

    private final Function function;
    private final HostBuilder builder;
    private final Credentials credentials;
    private final Map<String, String> env;
    private final JavaRuntime java;
    private final Path logs;
    private final Clock clock;
    private final Activator activator;
    private volatile InstancePool current;
    private volatile String servingCommit;
    private volatile String building;
    private volatile String reason = "Building";
    private volatile String message = "waiting for the first build";
    private volatile Instant since;

    /**
     * @param vertx event loops for the activator
     * @param function the Function, defaults applied
     * @param builder host builds
     * @param credentials the Git credentials of the Function's repository
     * @param env {@code spec.env} with every reference resolved
     * @param java the runtime instances run on
     * @param logs where the build and instance logs go
     * @param port the activator's port (0: any)
     * @param clock the time
     */
    public LocalFunction(Vertx vertx, Function function, HostBuilder builder, Credentials credentials, Map<String, String> env,
            JavaRuntime java, Path logs, int port, Clock clock) {
        this.function = function;
        this.builder = builder;
        this.credentials = credentials;
        this.env = Map.copyOf(env);
        this.java = java;
        this.logs = logs;
        this.clock = clock;
        this.since = clock.instant();
        this.activator = Activator.listen(vertx, id(), () -> current, Duration.ofSeconds(function.getSpec().timeoutSeconds), port);
    }

    /** @return {@code namespace/name} */
    public String id() {
        return function.getMetadata().getNamespace() + "/" + function.getMetadata().getName();
    }

    /** @return the activator's URL: the function's address for Triggers, sources and curl */
    public String url() {
        return "http://127.0.0.1:" + activator.port();
    }

    /** @return the Function as loaded */
    public Function function() {
        return function;
    }

    /** @return the log file of its instances */
    public Path instanceLog() {
        return logs.resolve(function.getMetadata().getNamespace() + "." + function.getMetadata().getName() + ".log");
    }

    /**
     * Resolves the revision and, when it names a commit other than the one serving (or being built), builds it
     * and switches to it.
     *
     * @return completes when the commit serves, or the build failed (the old version still serving)
     */
    public CompletableFuture<Void> refresh() {
        // Resolving talks to the Git server: never on the caller's thread, which may be an event loop (a push).
        return CompletableFuture.supplyAsync(this::buildIfMoved, RESOLVE).thenCompose(started -> started);
    }

    /**
     * One at a time per function, so a push and a poll arriving together start one build, not two versions.
     *
     * @return completes when the new commit serves or failed; at once when nothing moved or it is already building
     */
    private synchronized CompletableFuture<Void> buildIfMoved() {
        GitSource git = function.getSpec().source.git;
        String commit;
        GitCredentials auth;
        try {
            auth = credentials.of(function);
            commit = builder.sources().resolve(git.url, git.revision, auth).commit();
        } catch (SourceException e) {
            state(e.reason().name(), e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        if (commit.equals(servingCommit) || commit.equals(building)) {
            return CompletableFuture.completedFuture(null);
        }
        building = commit;
        state("Building", "building " + commit.substring(0, 12));
        HostBuilder.Request request = new HostBuilder.Request(git.url, commit, git.contextDir, function.getSpec().build, auth,
                GoDurations.parse(function.getSpec().build.timeout));
        return builder.build(request, progress()).thenCompose(this::switchTo).handle((ok, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                String why = cause instanceof HostBuildException h ? h.reason() : "BuildFailed";
                state(why, cause.getMessage() + (servingCommit == null ? "" : "; still serving " + servingCommit.substring(0, 12)));
                LOG.warning(id() + ": " + cause.getMessage());
            }
            building = null;
            return null;
        });
    }

    private BuildLog progress() {
        return new BuildLog() {
            @Override
            public void line(String line) {
            }

            @Override
            public void progress(String step, String detail) {
                state("Building", step + (detail == null ? "" : " " + detail));
            }
        };
    }

    private CompletableFuture<Void> switchTo(HostBuild build) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KILN_FUNCTION_NAME", function.getMetadata().getName());
        env.put("KILN_TIMEOUT_SECONDS", Integer.toString(function.getSpec().timeoutSeconds));
        env.putAll(this.env);
        InstancePool next = new InstancePool(id(), Scale.of(function.getSpec().scale),
                new ProcessLauncher(java, build.appDir(), env, instanceLog(), Duration.ofSeconds(60), clock), clock);
        if (current == null) {
            // Nothing serves yet: the new version takes requests at once (the first one starts an instance).
            current = next;
            next.warm();
            servingCommit = build.commit();
            state(null, null);
            return CompletableFuture.completedFuture(null);
        }
        // A version serves: the new one must be ready before it takes traffic.
        return next.acquire().thenAccept(probe -> {
            probe.release();
            InstancePool old = current;
            current = next;
            servingCommit = build.commit();
            state(null, null);
            LOG.info(id() + ": now serving " + build.commit().substring(0, 12));
            old.drain(Duration.ofSeconds(30));
        });
    }

    /** Stops idle instances (called periodically). */
    public void reap() {
        InstancePool pool = current;
        if (pool != null) {
            pool.reap();
        }
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
            return new Status(false, "StartFailed", pool.lastFailure(), servingCommit, url(), 0, since);
        }
        return new Status(pool != null, reason, message, servingCommit, url(), pool == null ? 0 : pool.size(), since);
    }

    @Override
    public void close() {
        activator.close();
        InstancePool pool = current;
        if (pool != null) {
            pool.drain(Duration.ofSeconds(10)).join();
        }
    }
}
