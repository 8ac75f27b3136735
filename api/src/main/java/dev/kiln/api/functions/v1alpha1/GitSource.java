package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** A directory at a revision of a Git repository. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitSource {

    /**
     * Repository URL: https://, ssh:// or user@host:path. A cluster takes other schemes only when its operator allows
     * them (KILN_GIT_SCHEMES in kiln-config, e.g. http for an in-cluster Git server); kiln dev also takes http://,
     * file:// and local paths.
     */
    public String url;

    /** Branch, tag or commit SHA to build (default: main). A branch is followed: a push rebuilds. */
    public String revision;

    /** Directory of the function inside the repository (default: the repository root). */
    public String contextDir;

    /**
     * Secret with credentials for the repository: for https, basic-auth (username, password) or a token; for ssh, an
     * ssh-privatekey (a deploy key, unencrypted) and known_hosts naming the server's host key, which is always checked.
     */
    public LocalObjectReference secretRef;

    /** How often to poll the branch for new commits (e.g. 5m), in case a push webhook is missed; unset: never. */
    public String pollInterval;
}
