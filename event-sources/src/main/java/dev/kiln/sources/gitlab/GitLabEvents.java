package dev.kiln.sources.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.sources.v1alpha1.GitLabEventTypes;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A GitLab delivery as a CloudEvent, drop-in compatible with Knative's GitLabSource: type
 * {@code dev.knative.sources.gitlab.<snake_case of X-Gitlab-Event without " Hook">}, source = the project's URL,
 * extension {@code comgitlabevent} = the header. Stricter than GitLabSource: the id is stable across GitLab's
 * retries and resends ({@code Idempotency-Key}, else {@code X-Gitlab-Event-UUID}; a new UUID only for GitLab
 * before 14.8), and data is the original JSON bytes.
 */
public final class GitLabEvents {

    private GitLabEvents() {
    }

    /**
     * @param hook {@code X-Gitlab-Event}, e.g. {@code Push Hook}
     * @param idempotencyKey {@code Idempotency-Key}, or null
     * @param eventUuid {@code X-Gitlab-Event-UUID}, or null
     * @param instance {@code X-Gitlab-Instance}, or null (the source when the payload names no project)
     * @param json the payload's bytes, as sent
     * @param payload the same, parsed
     * @return the CloudEvent
     */
    public static CloudEvent toCloudEvent(String hook, String idempotencyKey, String eventUuid, String instance, byte[] json,
            JsonNode payload) {
        String id = notBlank(idempotencyKey) ? idempotencyKey.trim() : notBlank(eventUuid) ? eventUuid.trim() : UUID.randomUUID().toString();
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id)
                .withType(GitLabEventTypes.cloudEventType(hook))
                .withSource(URI.create(source(payload, instance)))
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withExtension("comgitlabevent", hook)
                .withData("application/json", json);
        String subject = subject(payload);
        if (subject != null) {
            b.withSubject(subject);
        }
        return b.build();
    }

    /** The project's web URL; group and system hooks have none, so the instance's URL stands in. */
    static String source(JsonNode payload, String instance) {
        String url = text(payload, "project", "web_url");
        if (url == null) {
            url = text(payload, "repository", "homepage");
        }
        if (url == null) {
            url = notBlank(instance) ? instance.trim() : "https://gitlab.com";
        }
        return url;
    }

    /** What the event is about: the ref of a push, the iid of a merge request or issue, the id of a pipeline or job. */
    static String subject(JsonNode payload) {
        String kind = text(payload, "object_kind");
        if (kind == null) {
            return null;
        }
        return switch (kind) {
            case "push", "tag_push" -> text(payload, "ref");
            case "merge_request", "issue", "work_item" -> text(payload, "object_attributes", "iid");
            case "pipeline", "deployment", "release", "note", "wiki_page" -> firstOf(text(payload, "object_attributes", "id"),
                    text(payload, "deployment_id"), text(payload, "id"));
            case "build" -> text(payload, "build_id");
            default -> null;
        };
    }

    /** @return the text at that path, or null */
    static String text(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        return n.isMissingNode() || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
