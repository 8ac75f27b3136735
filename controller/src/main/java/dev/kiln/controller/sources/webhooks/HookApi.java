package dev.kiln.controller.sources.webhooks;

import java.util.List;

/**
 * A forge's webhook API, as far as Kiln uses it: the hooks of a repository or project, and creating, changing and
 * deleting one. {@link GitHubHooks} and {@link GitLabHooks} speak it over HTTP with the JDK's client.
 */
public interface HookApi {

    /**
     * A hook as the forge lists it.
     *
     * @param id its id
     * @param url the URL it delivers to
     */
    record Hook(String id, String url) {
    }

    /**
     * What a hook is registered with.
     *
     * @param url where it delivers
     * @param events the forge's event names (GitHub) or hook flags (GitLab)
     * @param secret the secret (GitHub signs with it, GitLab sends it as X-Gitlab-Token), or null
     */
    record HookConfig(String url, List<String> events, String secret) {
    }

    /**
     * @param target the repository or project
     * @return its hooks
     */
    List<Hook> list(String target) throws HookApiException;

    /** @return the new hook's id */
    String create(String target, HookConfig config) throws HookApiException;

    /** @throws HookApiException {@link HookApiException#notFound()} when the hook is gone */
    void update(String target, String id, HookConfig config) throws HookApiException;

    /** Deletes a hook; one already gone is not an error. */
    void delete(String target, String id) throws HookApiException;
}
