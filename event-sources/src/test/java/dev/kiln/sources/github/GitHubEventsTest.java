package dev.kiln.sources.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Payloads in src/test/resources/github follow GitHub's documented webhook formats (octokit/webhooks examples). */
class GitHubEventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static byte[] payload(String event) throws Exception {
        try (InputStream in = GitHubEventsTest.class.getResourceAsStream("/github/" + event + ".json")) {
            return in.readAllBytes();
        }
    }

    static CloudEvent map(String event, Map<String, String> headers) throws Exception {
        byte[] body = payload(event);
        return GitHubEvents.toCloudEvent(event, "72d3162e-cc78-11e3-81ab-4c9367dc0958", headers, body, JSON.readTree(body));
    }

    static Stream<Arguments> events() {
        String repo = "https://github.com/Codertocat/Hello-World";
        return Stream.of(
                Arguments.of("push", repo, "6113728f27ae...000000000000", Map.of("ref", "refs/heads/main", "pusher", "Codertocat",
                        "deleted", true, "forced", false)),
                Arguments.of("pull_request", repo, "2", Map.of("action", "opened", "number", "2")),
                Arguments.of("issues", repo, "1", Map.of("action", "edited")),
                Arguments.of("release", repo, "0.0.1", Map.of("action", "published", "release", "First release")),
                Arguments.of("create", repo, "tag", Map.of("ref", "simple-tag")),
                Arguments.of("delete", repo, "branch", Map.of("ref", "feature/old")),
                Arguments.of("ping", repo, "109948940", Map.of()),
                Arguments.of("workflow_run", repo, "30433642", Map.of("action", "completed", "installation", "2311213", "owner", "Codertocat")),
                Arguments.of("organization", "https://github.com/octo-org", null, Map.of("action", "member_added", "owner", "octo-org")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void mapsLikeKnativesGitHubSource(String event, String source, String subject, Map<String, Object> extensions) throws Exception {
        CloudEvent ce = map(event, Map.of());
        assertThat(ce.getType()).isEqualTo("dev.knative.source.github." + event);
        assertThat(ce.getId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(ce.getSource()).hasToString(source);
        assertThat(ce.getSubject()).isEqualTo(subject);
        assertThat(ce.getDataContentType()).isEqualTo("application/json");
        assertThat(ce.getData().toBytes()).as("the original bytes, never re-marshalled").isEqualTo(payload(event));
        assertThat(ce.getTime()).isNotNull();
        extensions.forEach((k, v) -> assertThat(ce.getExtension(k)).as(k).isEqualTo(v));
        if (!event.equals("organization")) {
            assertThat(ce.getExtension("repository")).isEqualTo("Codertocat/Hello-World");
        }
        assertThat(ce.getExtension("sender")).isEqualTo("Codertocat");
    }

    @Test
    void hookHeadersTellDeliveriesOfOneEventApart() throws Exception {
        Map<String, String> headers = new HashMap<>();
        headers.put("x-github-hook-id", "292430182");
        headers.put("x-github-hook-installation-target-type", "repository");
        headers.put("x-github-hook-installation-target-id", "79929171");
        CloudEvent ce = map("push", headers);
        assertThat(ce.getExtension("githubhookid")).isEqualTo("292430182");
        assertThat(ce.getExtension("githubtargettype")).isEqualTo("repository");
        assertThat(ce.getExtension("githubtargetid")).isEqualTo("79929171");
    }

    @Test
    void organizationEventsOnEnterpriseServerNameTheEnterpriseHost() throws Exception {
        CloudEvent ce = map("organization", Map.of("x-github-enterprise-host", "ghe.example.com"));
        assertThat(ce.getSource()).hasToString("https://ghe.example.com/octo-org");
    }

    @Test
    void formPayloadIsTheDecodedPayloadField() {
        byte[] json = GitHubWebhook.formPayload("payload=%7B%22a%22%3A%22b+c%22%7D&x=1".getBytes());
        assertThat(new String(json)).isEqualTo("{\"a\":\"b c\"}");
        assertThat(GitHubWebhook.formPayload("nothing=here".getBytes())).isNull();
    }
}
