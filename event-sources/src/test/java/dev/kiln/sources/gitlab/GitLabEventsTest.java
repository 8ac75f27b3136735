package dev.kiln.sources.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.InputStream;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Payloads in src/test/resources/gitlab follow GitLab's webhook_events documentation. */
class GitLabEventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static byte[] payload(String name) throws Exception {
        try (InputStream in = GitLabEventsTest.class.getResourceAsStream("/gitlab/" + name + ".json")) {
            return in.readAllBytes();
        }
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("push", "Push Hook", "dev.knative.sources.gitlab.push", "refs/heads/master"),
                Arguments.of("tag_push", "Tag Push Hook", "dev.knative.sources.gitlab.tag_push", "refs/tags/v1.0.0"),
                Arguments.of("merge_request", "Merge Request Hook", "dev.knative.sources.gitlab.merge_request", "1"),
                Arguments.of("pipeline", "Pipeline Hook", "dev.knative.sources.gitlab.pipeline", "31"),
                // The header says Job, the body says build: the type follows the header, as Knative's GitLabSource.
                Arguments.of("job", "Job Hook", "dev.knative.sources.gitlab.job", "1977"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void mapsLikeKnativesGitLabSource(String file, String hook, String type, String subject) throws Exception {
        byte[] body = payload(file);
        CloudEvent ce = GitLabEvents.toCloudEvent(hook, "key-1", null, "https://gitlab.example.com", body, JSON.readTree(body));
        assertThat(ce.getType()).isEqualTo(type);
        assertThat(ce.getSource()).hasToString("http://example.com/mike/diaspora");
        assertThat(ce.getExtension("comgitlabevent")).isEqualTo(hook);
        assertThat(ce.getSubject()).isEqualTo(subject);
        assertThat(ce.getData().toBytes()).isEqualTo(body);
        assertThat(ce.getDataContentType()).isEqualTo("application/json");
    }

    static Stream<Arguments> ids() {
        return Stream.of(
                Arguments.of("Idempotency-Key wins (stable across retries and resends)", "idem-1", "uuid-1", "idem-1"),
                Arguments.of("X-Gitlab-Event-UUID when there is no Idempotency-Key (GitLab 14.8 to 17.3)", null, "uuid-1", "uuid-1"),
                Arguments.of("blank Idempotency-Key is ignored", "  ", "uuid-1", "uuid-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void idIsStableAcrossRetries(String name, String idempotencyKey, String eventUuid, String id) throws Exception {
        byte[] body = payload("push");
        assertThat(GitLabEvents.toCloudEvent("Push Hook", idempotencyKey, eventUuid, null, body, JSON.readTree(body)).getId()).isEqualTo(id);
    }

    @Test
    void withoutEitherHeaderTheIdIsANewUuid() throws Exception {
        byte[] body = payload("push");
        String id = GitLabEvents.toCloudEvent("Push Hook", null, null, null, body, JSON.readTree(body)).getId();
        assertThat(UUID.fromString(id)).isNotNull();
    }

    @Test
    void groupHooksWithoutAProjectNameTheInstance() throws Exception {
        byte[] body = "{\"event_name\":\"user_add_to_group\",\"group_id\":78}".getBytes();
        CloudEvent ce = GitLabEvents.toCloudEvent("Member Hook", "k", null, "https://gitlab.example.com", body, JSON.readTree(body));
        assertThat(ce.getSource()).hasToString("https://gitlab.example.com");
        assertThat(ce.getType()).isEqualTo("dev.knative.sources.gitlab.member");
        assertThat(ce.getSubject()).isNull();
    }

    @Test
    void tokensAreComparedWhateverTheirLength() {
        assertThat(GitLabWebhook.sameSecret("s3cret", "s3cret")).isTrue();
        assertThat(GitLabWebhook.sameSecret("s3cret", "s3cre")).isFalse();
        assertThat(GitLabWebhook.sameSecret("s3cret", "s3cret-and-more")).isFalse();
        assertThat(GitLabWebhook.sameSecret("s3cret", "")).isFalse();
    }
}
