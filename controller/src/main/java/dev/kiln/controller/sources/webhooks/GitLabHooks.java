package dev.kiln.controller.sources.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.sources.v1alpha1.GitLabEventTypes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * GitLab's REST API for project hooks ({@code /api/v4/projects/:id/hooks}), as Knative's GitLabSource uses it, on the
 * project's own host (a project URL {@code https://gitlab.example.com/group/project} is project
 * {@code group%2Fproject} of {@code https://gitlab.example.com/api/v4}). Every hook flag is sent, true for the spec's
 * event types and false for the others (GitLab turns {@code push_events} on when it is left out), with SSL
 * verification on and the secret token as {@code token}.
 */
public final class GitLabHooks extends HttpHookApi {

    private final String token;

    /**
     * @param http the HTTP client
     * @param token a token with the api scope
     */
    public GitLabHooks(HttpClient http, String token) {
        super(http);
        this.token = token;
    }

    @Override
    HttpRequest.Builder authenticated(HttpRequest.Builder request) {
        return request.header("PRIVATE-TOKEN", token);
    }

    private static URI hooks(String project, String suffix) {
        URI url = URI.create(project);
        String path = url.getPath().replaceAll("^/+|/+$", "").replaceAll("\\.git$", "");
        String base = url.getScheme() + "://" + url.getRawAuthority();
        return URI.create(base + "/api/v4/projects/" + URLEncoder.encode(path, StandardCharsets.UTF_8) + "/hooks" + suffix);
    }

    @Override
    public List<Hook> list(String project) throws HookApiException {
        List<Hook> hooks = new ArrayList<>();
        for (JsonNode h : call("GET", hooks(project, "?per_page=100"), null)) {
            hooks.add(new Hook(h.path("id").asText(), h.path("url").asText(null)));
        }
        return hooks;
    }

    @Override
    public String create(String project, HookConfig config) throws HookApiException {
        return call("POST", hooks(project, ""), body(config)).path("id").asText();
    }

    @Override
    public void update(String project, String id, HookConfig config) throws HookApiException {
        call("PUT", hooks(project, "/" + id), body(config));
    }

    @Override
    public void delete(String project, String id) throws HookApiException {
        deleteIfPresent(hooks(project, "/" + id));
    }

    private static ObjectNode body(HookConfig config) {
        ObjectNode body = JSON.createObjectNode().put("url", config.url()).put("enable_ssl_verification", true);
        for (String flag : new TreeSet<>(GitLabEventTypes.HOOK_HEADERS.keySet())) {
            body.put(flag, config.events().contains(flag));
        }
        if (config.secret() != null) {
            body.put("token", config.secret());
        }
        return body;
    }
}
