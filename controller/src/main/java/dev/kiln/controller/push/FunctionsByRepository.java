package dev.kiln.controller.push;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.builder.push.RepositoryUrls;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The Functions that track a repository, read from the Function reconciler's own informer cache through an index on
 * the normalised Git URL ({@link RepositoryUrls}): a push costs no request to the API server (operator review 2,
 * finding 11: it was a cluster-wide LIST per push). JOSDK's primary cache is the fabric8 informer's indexer, so
 * {@code byIndex} is a map lookup; the index is kept by the informer as Functions come, change and go.
 */
@Singleton
public class FunctionsByRepository {

    static final String INDEX = "kiln.dev/repository";

    private volatile IndexedResourceCache<Function> cache;

    /**
     * Adds the index to the Function reconciler's primary cache. Called from its {@code prepareEventSources}, before the
     * informer starts (an informer takes indexers before it runs); a restarted operator brings a new cache.
     *
     * @param primaryCache the Function informer's cache
     */
    public void index(IndexerResourceCache<Function> primaryCache) {
        primaryCache.addIndexer(INDEX, FunctionsByRepository::repositoryOf);
        cache = primaryCache;
    }

    /** The index's key: never throws, since an indexer's exception would stop the informer's handling of the object. */
    static List<String> repositoryOf(Function f) {
        String url = f.getSpec() == null || f.getSpec().source == null || f.getSpec().source.git == null ? null
                : RepositoryUrls.normalize(f.getSpec().source.git.url);
        return url == null ? List.of() : List.of(url);
    }

    /**
     * @param repository a normalised repository URL
     * @return the Functions whose {@code spec.source.git.url} normalises to it, as the informer last saw them
     * @throws IllegalStateException before the Function reconciler has prepared its informer
     */
    public List<Function> tracking(String repository) {
        IndexedResourceCache<Function> c = cache;
        if (c == null) {
            throw new IllegalStateException("the Function informer has not started yet");
        }
        return c.byIndex(INDEX, repository);
    }
}
