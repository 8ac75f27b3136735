package dev.kiln.controller.sources.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * GitHub's REST API for repository and organization webhooks ({@code /repos/{owner}/{repo}/hooks},
 * {@code /orgs/{org}/hooks}), as Knative's GitHubSource uses it: a {@code web} hook, JSON payloads, TLS verified,
 * signed with the secret. The API URL is {@code spec.githubAPIURL} (GitHub Enterprise's is
 * {@code https://host/api/v3}).
 */
public final class GitHubHooks extends HttpHookApi {

    private final String api;
    private final String token;

    /**
     * @param http the HTTP client
     * @param apiUrl the API's base URL
     * @param token a token with admin:repo_hook (and admin:org_hook for organizations)
     */
    public GitHubHooks(HttpClient http, String apiUrl, String token) {
        super(http);
        this.api = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.token = token;
    }

    @Override
    HttpRequest.Builder authenticated(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + token).header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28");
    }

    /** owner/repo is a repository's hooks; an owner alone, its organization's. */
    private URI hooks(String target, String suffix) {
        return URI.create(api + (target.contains("/") ? "/repos/" + target : "/orgs/" + target) + "/hooks" + suffix);
    }

    @Override
    public List<Hook> list(String target) throws HookApiException {
        List<Hook> hooks = new ArrayList<>();
        for (JsonNode h : call("GET", hooks(target, "?per_page=100"), null)) {
            hooks.add(new Hook(h.path("id").asText(), h.path("config").path("url").asText(null)));
        }
        return hooks;
    }

    @Override
    public String create(String target, HookConfig config) throws HookApiException {
        ObjectNode body = body(config).put("name", "web");
        return call("POST", hooks(target, ""), body).path("id").asText();
    }

    @Override
    public void update(String target, String id, HookConfig config) throws HookApiException {
        call("PATCH", hooks(target, "/" + id), body(config));
    }

    @Override
    public void delete(String target, String id) throws HookApiException {
        deleteIfPresent(hooks(target, "/" + id));
    }

    private static ObjectNode body(HookConfig config) {
        ObjectNode body = JSON.createObjectNode().put("active", true);
        config.events().forEach(body.putArray("events")::add);
        ObjectNode c = body.putObject("config").put("url", config.url()).put("content_type", "json").put("insecure_ssl", "0");
        if (config.secret() != null) {
            c.put("secret", config.secret());
        }
        return body;
    }
}
