package dev.kiln.builder.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the push CloudEvents of Kiln's (and Knative's) GitHub and GitLab sources: {@code
 * dev.knative.source.github.push} and {@code dev.knative.sources.gitlab.push}, whose data is the provider's own
 * payload. Other event types are not pushes ({@link Optional#empty()}); a push whose payload lacks what a push
 * always has is an error, reported to the sender.
 */
public final class PushEvents {

    /** The type of GitHub pushes. */
    public static final String GITHUB_PUSH = "dev.knative.source.github.push";
    /** The type of GitLab pushes (Knative's GitLab prefix is plural). */
    public static final String GITLAB_PUSH = "dev.knative.sources.gitlab.push";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO = "0000000000000000000000000000000000000000";

    private PushEvents() {
    }

    /**
     * @param type the CloudEvent's type
     * @param id its id, for messages
     * @param payload its data, or null
     * @return the push it reports, or empty for any other type
     * @throws IllegalArgumentException when a push event's data is not a push payload (the message says what is missing)
     */
    public static Optional<Push> parse(String type, String id, byte[] payload) {
        boolean github = GITHUB_PUSH.equals(type);
        if (!github && !GITLAB_PUSH.equals(type)) {
            return Optional.empty();
        }
        if (payload == null) {
            throw new IllegalArgumentException(type + " event " + id + " has no data");
        }
        JsonNode data;
        try {
            data = JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException(type + " event " + id + ": data is not JSON: " + e.getMessage());
        }
        Set<String> urls = new LinkedHashSet<>();
        JsonNode repo = github ? data.path("repository") : data.path("project");
        String[] fields = github ? new String[] {"clone_url", "html_url", "ssh_url", "git_url", "url"}
                : new String[] {"git_http_url", "web_url", "git_ssh_url", "http_url", "ssh_url", "url"};
        for (String field : fields) {
            String url = RepositoryUrls.normalize(repo.path(field).asText(null));
            if (url != null) {
                urls.add(url);
            }
        }
        if (!github) {
            // Older GitLab payloads carry the URLs under "repository" only.
            for (String field : new String[] {"git_http_url", "homepage", "git_ssh_url", "url"}) {
                String url = RepositoryUrls.normalize(data.path("repository").path(field).asText(null));
                if (url != null) {
                    urls.add(url);
                }
            }
        }
        String ref = data.path("ref").asText(null);
        String after = data.path("after").asText(null);
        if (urls.isEmpty() || ref == null || after == null) {
            throw new IllegalArgumentException(type + " event " + id
                    + ": a push payload has the repository's URLs, \"ref\" and \"after\"; this one lacks "
                    + (urls.isEmpty() ? "the repository's URLs" : ref == null ? "\"ref\"" : "\"after\""));
        }
        boolean deleted = data.path("deleted").asBoolean(false) || ZERO.equals(after);
        return Optional.of(new Push(Set.copyOf(urls), ref, after, deleted));
    }
}
