package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.validation.GoDurations;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.GitSources;
import dev.kiln.builder.git.SourceException;
import dev.kiln.contract.Labels;
import dev.kiln.controller.RecentlyUsed;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves a Function's revision to a commit, and remembers the answer: a reconcile triggered by a Job or a
 * Knative Service changing does not need another {@code ls-remote}. A Function is resolved again when its
 * generation changes, when a push asked for it ({@value Labels#REFRESH}), or when its
 * {@code pollInterval} has passed.
 */
public final class CommitResolver {

    /** Set by the push endpoint to the pushed commit (or a timestamp): any new value resolves again. */

    private final GitSources sources;
    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Remembered> remembered = RecentlyUsed.map();

    private record Remembered(Long generation, String refresh, Instant at, String commit) {
    }

    /**
     * @param sources the Git cache
     * @param client reads Git credential Secrets
     * @param clock the time
     */
    public CommitResolver(GitSources sources, KubernetesClient client, Clock clock) {
        this.sources = sources;
        this.client = client;
        this.clock = clock;
    }

    /** @return the Git cache */
    public GitSources sources() {
        return sources;
    }

    /**
     * @param function the Function, defaults applied
     * @return the commit its revision names now
     * @throws SourceException when it cannot be resolved
     */
    public String resolve(Function function) throws SourceException {
        GitSource git = function.getSpec().source.git;
        String uid = function.getMetadata().getUid();
        String refresh = function.getMetadata().getAnnotations() == null ? null
                : function.getMetadata().getAnnotations().get(Labels.REFRESH);
        Remembered last = remembered.get(uid);
        Instant now = clock.instant();
        if (last != null && Objects.equals(last.generation(), function.getMetadata().getGeneration())
                && Objects.equals(last.refresh(), refresh) && !pollDue(git, last, now)) {
            return last.commit();
        }
        String commit = sources.resolve(git.url, git.revision, credentials(function)).commit();
        remembered.put(uid, new Remembered(function.getMetadata().getGeneration(), refresh, now, commit));
        return commit;
    }

    /**
     * @param function the Function
     * @return its Git credentials, from the Secret {@code secretRef} names
     * @throws SourceException when the Secret is missing or unusable
     */
    public GitCredentials credentials(Function function) throws SourceException {
        GitSource git = function.getSpec().source.git;
        if (git.secretRef == null || git.secretRef.getName() == null) {
            return GitCredentials.NONE;
        }
        String name = git.secretRef.getName();
        Secret secret = client.secrets().inNamespace(function.getMetadata().getNamespace()).withName(name).get();
        if (secret == null) {
            throw new SourceException(SourceException.Reason.InvalidSource, "secret " + name
                    + " (spec.source.git.secretRef) does not exist in namespace " + function.getMetadata().getNamespace(), null);
        }
        return GitCredentials.fromSecret(secret);
    }

    /**
     * @param function the Function
     * @return how long until its next poll, or null when it does not poll
     */
    public static Duration pollInterval(Function function) {
        String interval = function.getSpec().source.git.pollInterval;
        return interval == null || interval.isBlank() ? null : GoDurations.parse(interval);
    }

    private static boolean pollDue(GitSource git, Remembered last, Instant now) {
        if (git.pollInterval == null || git.pollInterval.isBlank()) {
            return false;
        }
        return !now.isBefore(last.at().plus(GoDurations.parse(git.pollInterval)));
    }
}
