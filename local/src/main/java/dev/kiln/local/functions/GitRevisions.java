package dev.kiln.local.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.validation.GoDurations;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.SourceException;
import dev.kiln.builder.host.HostBuild;
import dev.kiln.builder.host.HostBuildException;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.function.launch.JvmCommand;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Versions from Git, as in a cluster: the revision is resolved to a commit, and a commit other than the one serving
 * (or building) is host-built and deployed. Asked by a push, a poll, or at start.
 */
public final class GitRevisions implements LocalFunction.Source {

    /** Revision resolution (network I/O), off the callers' threads. */
    private static final ExecutorService RESOLVE = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kiln-resolve");
        t.setDaemon(true);
        return t;
    });

    /** Where a Function's Git credentials come from (in local mode, the manifests' Secrets). */
    @FunctionalInterface
    public interface Credentials {
        /** @return the credentials for the Function's repository @throws SourceException when its Secret is unusable */
        GitCredentials of(Function function) throws SourceException;
    }

    private final LocalFunction fn;
    private final HostBuilder builder;
    private final Credentials credentials;
    private final JavaRuntime java;
    private volatile String building;

    /**
     * @param fn the function it deploys to
     * @param builder host builds
     * @param credentials the Git credentials of the Function's repository
     * @param java the runtime instances run on
     */
    public GitRevisions(LocalFunction fn, HostBuilder builder, Credentials credentials, JavaRuntime java) {
        this.fn = fn;
        this.builder = builder;
        this.credentials = credentials;
        this.java = java;
    }

    @Override
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
        Function function = fn.function();
        GitSource git = function.getSpec().source.git;
        String commit;
        GitCredentials auth;
        try {
            auth = credentials.of(function);
            commit = builder.sources().resolve(git.url, git.revision, auth).commit();
        } catch (SourceException e) {
            fn.failed(e.reason().name(), e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        if (commit.equals(fn.serving()) || commit.equals(building)) {
            return CompletableFuture.completedFuture(null);
        }
        building = commit;
        fn.building("building " + commit.substring(0, 12));
        HostBuilder.Request request = new HostBuilder.Request(git.url, commit, git.contextDir, function.getSpec().build, auth,
                GoDurations.parse(function.getSpec().build.timeout));
        return builder.build(request, Progress.to(fn)).thenCompose(this::deploy).handle((ok, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                fn.failed(cause instanceof HostBuildException h ? h.reason() : "BuildFailed", cause.getMessage());
            }
            building = null;
            return null;
        });
    }

    private CompletableFuture<Void> deploy(HostBuild build) {
        // The same JVM options as training: a class archive maps only into a JVM with the heap and GC it was made with.
        return fn.deploy(new LocalFunction.Version(build.commit(), JvmCommand.run(java, build.appDir(), List.of()), build.appDir(), () -> {
        }));
    }
}
