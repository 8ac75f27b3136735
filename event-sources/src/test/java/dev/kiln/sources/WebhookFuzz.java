package dev.kiln.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.sources.github.GitHubSignature;
import dev.kiln.sources.gitlab.GitLabSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The GitHub and GitLab adapters over real HTTP, on deliveries nobody checked: any event header, content type and
 * body, signed correctly (so the fuzzer reaches the payload's mapping), wrongly or not at all. Contract: 2xx or 4xx,
 * never a 5xx or a hang; and a 202 means the sink has the event (nothing accepted is lost).
 */
class WebhookFuzz {

    static final String SECRET = "fuzz-secret";
    static final String SIGNING = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String[] GITHUB_EVENTS = {"push", "ping", "pull_request", "issues", "release", "create", "workflow_run", "check_suite"};
    static final String[] GITLAB_EVENTS = {"Push Hook", "Tag Push Hook", "Merge Request Hook", "Job Hook", "Pipeline Hook", "Issue Hook"};
    static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded", "text/plain"};
    static final String[] BODIES = {"{}", "{\"repository\":{\"full_name\":\"a/b\",\"html_url\":\"https://github.com/a/b\"}}",
            "{\"repository\":\"x\",\"compare\":7,\"ref\":[],\"pusher\":{\"name\":null}}", "{\"project\":{\"web_url\":\"::\"},\"ref\":{}}",
            "{\"object_kind\":\"build\",\"build_id\":\"x\",\"object_attributes\":{\"iid\":{}}}", "[]", "null"};
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static RecordingSink sink;
    static RunningAdapter github;
    static RunningAdapter gitlab;

    @BeforeAll
    static void start() throws Exception {
        sink = new RecordingSink();
        Map<String, String> common = Map.of("K_SINK", sink.url(), "HOST", "127.0.0.1", "PORT", "0", "SEND_RETRY", "0",
                "SEND_TIMEOUT", "PT5S");
        Map<String, String> gh = new HashMap<>(common);
        gh.put("GITHUB_SECRET_TOKEN", SECRET);
        github = RunningAdapter.start("github", gh);
        Map<String, String> gl = new HashMap<>(common);
        gl.putAll(Map.of("GITLAB_SECRET_TOKEN", SECRET, "GITLAB_SIGNING_TOKEN", SIGNING));
        gitlab = RunningAdapter.start("gitlab", gl);
    }

    @AfterAll
    static void stop() throws Exception {
        github.close();
        gitlab.close();
        sink.close();
    }

    static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "").strip();
    }

    @FuzzTest
    void answersWithA2xxOrA4xxAndLosesNothingAccepted(FuzzedDataProvider data) throws Exception {
        // The test's own requests go to this machine's loopback: what Jazzer's SSRF detector must let through (set
        // here, not in @BeforeAll: the detector exists only once the fuzzer has started).
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        boolean toGitHub = data.consumeBoolean();
        int signing = data.consumeInt(0, 2); // 0: right, 1: wrong, 2: none
        String event = data.consumeBoolean() ? data.pickValue(toGitHub ? GITHUB_EVENTS : GITLAB_EVENTS) : printable(data.consumeString(20));
        String contentType = data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : printable(data.consumeString(30));
        String delivery = printable(data.consumeString(40));
        byte[] body = data.consumeBoolean() ? data.pickValue(BODIES).getBytes() : data.consumeRemainingAsBytes();
        RunningAdapter adapter = toGitHub ? github : gitlab;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adapter.port() + "/"))
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        if (!event.isEmpty()) {
            request.header(toGitHub ? "X-GitHub-Event" : "X-Gitlab-Event", event);
        }
        if (!delivery.isEmpty()) {
            request.header(toGitHub ? "X-GitHub-Delivery" : "Idempotency-Key", delivery);
        }
        String id = delivery.isEmpty() ? "id" : delivery;
        long now = Instant.now().getEpochSecond();
        if (signing < 2) {
            String secret = signing == 0 ? SECRET : "wrong";
            if (toGitHub) {
                request.header(GitHubSignature.HEADER, GitHubSignature.sign(secret, body));
            } else {
                request.header("X-Gitlab-Token", SECRET).header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
                        .header(GitLabSignature.HEADER, GitLabSignature.sign(signing == 0 ? SIGNING : "whsec_AAAA", id, now, body));
            }
        }
        int before = sink.accepted.size();
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
        if (response.statusCode() == 202) {
            assertThat(sink.accepted).as("an accepted delivery reached the sink").hasSizeGreaterThan(before);
        }
    }
}
