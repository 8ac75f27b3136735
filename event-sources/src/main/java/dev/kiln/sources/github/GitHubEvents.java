package dev.kiln.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.sources.v1alpha1.GitHubEventTypes;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A GitHub delivery as a CloudEvent, drop-in compatible with Knative's GitHubSource: type
 * {@code dev.knative.source.github.<event>}, id = {@code X-GitHub-Delivery}, source = the repository's URL
 * (org-level hooks: the organization's), subject as GitHubSource sets it. Unlike GitHubSource, data is the
 * original JSON bytes, never re-marshalled, so consumers see every field GitHub sent.
 */
public final class GitHubEvents {

    /** Knative GitHubSource's subject per event: the field that names what the event is about. */
    private static final Map<String, Function<JsonNode, String>> SUBJECTS = Map.ofEntries(
            Map.entry("push", p -> lastSegment(text(p, "compare"))),
            Map.entry("pull_request", p -> firstOf(text(p, "number"), text(p, "pull_request", "number"))),
            Map.entry("pull_request_review", p -> text(p, "review", "id")),
            Map.entry("pull_request_review_comment", p -> text(p, "comment", "id")),
            Map.entry("issues", p -> text(p, "issue", "number")),
            Map.entry("issue_comment", p -> lastSegment(text(p, "comment", "html_url"))),
            Map.entry("commit_comment", p -> lastSegment(text(p, "comment", "html_url"))),
            Map.entry("release", p -> text(p, "release", "tag_name")),
            Map.entry("create", p -> text(p, "ref_type")),
            Map.entry("delete", p -> text(p, "ref_type")),
            Map.entry("ping", p -> text(p, "hook_id")),
            Map.entry("check_run", p -> text(p, "check_run", "id")),
            Map.entry("check_suite", p -> text(p, "check_suite", "id")),
            Map.entry("deployment", p -> text(p, "deployment", "id")),
            Map.entry("deployment_status", p -> text(p, "deployment_status", "id")),
            Map.entry("fork", p -> text(p, "forkee", "id")),
            Map.entry("member", p -> text(p, "member", "id")),
            Map.entry("team", p -> text(p, "team", "id")),
            Map.entry("label", p -> text(p, "label", "id")),
            Map.entry("milestone", p -> text(p, "milestone", "id")),
            Map.entry("status", p -> text(p, "sha")),
            Map.entry("workflow_run", p -> text(p, "workflow_run", "id")),
            Map.entry("workflow_job", p -> text(p, "workflow_job", "id")),
            Map.entry("gollum", GitHubEvents::pageNames));

    private GitHubEvents() {
    }

    /**
     * @param event {@code X-GitHub-Event}
     * @param delivery {@code X-GitHub-Delivery}
     * @param headers the other {@code X-GitHub-*} headers that tell deliveries of one event apart
     *     ({@code X-GitHub-Hook-ID}, {@code X-GitHub-Hook-Installation-Target-Type}/{@code -ID}), by lower-case name
     * @param json the payload's JSON bytes, as sent
     * @param payload the same, parsed
     * @return the CloudEvent
     */
    public static CloudEvent toCloudEvent(String event, String delivery, Map<String, String> headers, byte[] json, JsonNode payload) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(delivery)
                .withType(GitHubEventTypes.cloudEventType(event))
                .withSource(URI.create(source(payload, headers.get("x-github-enterprise-host"))))
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withData("application/json", json);
        String subject = SUBJECTS.getOrDefault(event, p -> null).apply(payload);
        if (subject != null && !subject.isEmpty()) {
            b.withSubject(subject);
        }
        extension(b, "action", text(payload, "action"));
        extension(b, "sender", text(payload, "sender", "login"));
        extension(b, "repository", text(payload, "repository", "full_name"));
        extension(b, "owner", firstOf(text(payload, "repository", "owner", "login"), text(payload, "organization", "login")));
        extension(b, "installation", text(payload, "installation", "id"));
        extension(b, "githubhookid", headers.get("x-github-hook-id"));
        extension(b, "githubtargettype", headers.get("x-github-hook-installation-target-type"));
        extension(b, "githubtargetid", headers.get("x-github-hook-installation-target-id"));
        switch (event) {
            case "push" -> {
                extension(b, "ref", text(payload, "ref"));
                extension(b, "pusher", text(payload, "pusher", "name"));
                bool(b, "created", payload.path("created"));
                bool(b, "deleted", payload.path("deleted"));
                bool(b, "forced", payload.path("forced"));
            }
            case "create", "delete" -> extension(b, "ref", text(payload, "ref"));
            case "pull_request" -> extension(b, "number", firstOf(text(payload, "number"), text(payload, "pull_request", "number")));
            case "release" -> extension(b, "release", text(payload, "release", "name"));
            default -> {
            }
        }
        return b.build();
    }

    /**
     * The event's source: the repository's web URL; for organization-level events without a repository, the
     * organization's (on GitHub Enterprise Server, under {@code X-GitHub-Enterprise-Host}).
     */
    static String source(JsonNode payload, String enterpriseHost) {
        String repo = text(payload, "repository", "html_url");
        if (repo != null) {
            return repo;
        }
        String base = enterpriseHost == null ? "https://github.com" : "https://" + enterpriseHost;
        String org = firstOf(text(payload, "organization", "login"), text(payload, "sender", "login"));
        return org == null ? base : base + "/" + org;
    }

    private static void extension(CloudEventBuilder b, String name, String value) {
        if (value != null && !value.isEmpty()) {
            b.withExtension(name, value);
        }
    }

    private static void bool(CloudEventBuilder b, String name, JsonNode value) {
        if (value.isBoolean()) {
            b.withExtension(name, value.booleanValue());
        }
    }

    /** @return the text of the node at that path, or null when absent or null */
    static String text(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        return n.isMissingNode() || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    private static String lastSegment(String url) {
        if (url == null) {
            return null;
        }
        int slash = url.lastIndexOf('/');
        return slash < 0 ? url : url.substring(slash + 1);
    }

    private static String pageNames(JsonNode payload) {
        List<String> names = new ArrayList<>();
        payload.path("pages").forEach(p -> {
            String n = text(p, "page_name");
            if (n != null) {
                names.add(n);
            }
        });
        return names.isEmpty() ? null : String.join(",", names);
    }
}
