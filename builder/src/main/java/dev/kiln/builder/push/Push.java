package dev.kiln.builder.push;

import java.util.Set;

/**
 * A push to a Git repository, as the GitHub and GitLab sources report it.
 *
 * @param repositories the repository's URLs, normalised ({@link RepositoryUrls})
 * @param ref the full ref, e.g. {@code refs/heads/main}
 * @param after the commit the ref points at now
 * @param deleted whether the push deleted the ref
 */
public record Push(Set<String> repositories, String ref, String after, boolean deleted) {

    /**
     * @param revision a Function's {@code spec.source.git.revision}
     * @return whether that revision names this push's ref: a branch or tag name, or the full ref
     */
    public boolean moves(String revision) {
        if (revision == null) {
            return false;
        }
        return revision.equals(ref) || ("refs/heads/" + revision).equals(ref) || ("refs/tags/" + revision).equals(ref);
    }
}
