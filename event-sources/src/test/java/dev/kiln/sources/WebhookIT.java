package dev.kiln.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.sources.github.GitHubSignature;
import dev.kiln.sources.gitlab.GitLabSignature;
import io.cloudevents.CloudEvent;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The GitHub and GitLab adapters over real HTTP, in front of a real sink. */
class WebhookIT {

    static final String SECRET = "s3cret";
    static final String TOKEN = "t0ken";
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static RecordingSink sink;
    static RunningAdapter github;
    static RunningAdapter gitlab;
    static RunningAdapter githubRotating;
    static RunningAdapter gitlabSigned;
    static final String NEW_SECRET = "new-s3cret";
    static final String SIGNING = "whsec_" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final String OLD_SIGNING = "whsec_" + java.util.Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    @BeforeAll
    static void start() throws Exception {
        sink = new RecordingSink();
        Map<String, String> common = Map.of("K_SINK", sink.url(), "HOST", "127.0.0.1", "PORT", "0", "NAMESPACE", "ci",
                "SEND_RETRY", "2", "SEND_BACKOFF_DELAY", "PT0.01S", "K_CE_OVERRIDES", "{\"extensions\":{\"team\":\"platform\"}}");
        Map<String, String> gh = new HashMap<>(common);
        gh.putAll(Map.of("NAME", "repo-hook", "GITHUB_SECRET_TOKEN", SECRET, "GITHUB_EVENT_TYPES", "push,pull_request,workflow_run",
                "GITHUB_REPOSITORIES", "codertocat/hello-world,octo-org"));
        github = RunningAdapter.start("github", gh);
        Map<String, String> gl = new HashMap<>(common);
        gl.putAll(Map.of("NAME", "project-hook", "GITLAB_SECRET_TOKEN", TOKEN, "GITLAB_EVENT_TYPES", "push_events,job_events",
                "MAX_BODY_BYTES", Integer.toString(64 << 10)));
        gitlab = RunningAdapter.start("gitlab", gl);
        Map<String, String> rotating = new HashMap<>(common);
        rotating.putAll(Map.of("NAME", "rotating", "GITHUB_SECRET_TOKEN", NEW_SECRET, "GITHUB_PREVIOUS_SECRET_TOKEN", SECRET));
        githubRotating = RunningAdapter.start("github", rotating);
        Map<String, String> signed = new HashMap<>(common);
        signed.putAll(Map.of("NAME", "signed", "GITLAB_SIGNING_TOKEN", SIGNING, "GITLAB_PREVIOUS_SIGNING_TOKEN", OLD_SIGNING));
        gitlabSigned = RunningAdapter.start("gitlab", signed);
    }

    @AfterAll
    static void stop() throws Exception {
        github.close();
        gitlab.close();
        githubRotating.close();
        gitlabSigned.close();
        sink.close();
    }

    @BeforeEach
    void resetSink() {
        sink.reset();
    }

    static byte[] resource(String path) throws Exception {
        try (InputStream in = WebhookIT.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    static HttpResponse<String> post(RunningAdapter adapter, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adapter.port() + "/"))
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> githubHeaders(String event, String delivery, byte[] body, String contentType) {
        Map<String, String> h = new HashMap<>();
        h.put("X-GitHub-Event", event);
        h.put("X-GitHub-Delivery", delivery);
        h.put("X-GitHub-Hook-ID", "292430182");
        h.put("Content-Type", contentType);
        h.put("User-Agent", "GitHub-Hookshot/044aadd");
        h.put(GitHubSignature.HEADER, GitHubSignature.sign(SECRET, body));
        return h;
    }

    @Test
    void aSignedPushReachesTheSinkWithItsOriginalBytes() throws Exception {
        byte[] body = resource("/github/push.json");
        Map<String, String> h = githubHeaders("push", "d-1", body, "application/json");
        h.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        HttpResponse<String> r = post(github, h, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(sink.accepted).hasSize(1);
        CloudEvent ce = sink.accepted.get(0);
        assertThat(ce.getId()).isEqualTo("d-1");
        assertThat(ce.getType()).isEqualTo("dev.knative.source.github.push");
        assertThat(ce.getSource()).hasToString("https://github.com/Codertocat/Hello-World");
        assertThat(ce.getData().toBytes()).isEqualTo(body);
        assertThat(ce.getExtension("team")).as("K_CE_OVERRIDES").isEqualTo("platform");
        assertThat(ce.getExtension("githubhookid")).isEqualTo("292430182");
        assertThat(ce.getExtension("traceparent")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void aFormEncodedDeliveryIsVerifiedOverTheRawFormAndForwardsTheJson() throws Exception {
        byte[] json = resource("/github/pull_request.json");
        byte[] form = ("payload=" + java.net.URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> r = post(github, githubHeaders("pull_request", "d-2", form, "application/x-www-form-urlencoded"), form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(sink.accepted).singleElement().satisfies(ce -> {
            assertThat(ce.getData().toBytes()).isEqualTo(json);
            assertThat(ce.getSubject()).isEqualTo("2");
        });
    }

    static Stream<Arguments> refusedGitHub() throws Exception {
        byte[] body = resource("/github/push.json");
        Map<String, String> badSignature = githubHeaders("push", "d-3", body, "application/json");
        badSignature.put(GitHubSignature.HEADER, GitHubSignature.sign("wrong", body));
        Map<String, String> noSignature = githubHeaders("push", "d-4", body, "application/json");
        noSignature.remove(GitHubSignature.HEADER);
        byte[] mutated = body.clone();
        mutated[10] ^= 1;
        byte[] notJson = "{not json".getBytes();
        byte[] other = "{\"repository\":{\"full_name\":\"someone/else\"}}".getBytes();
        return Stream.of(
                Arguments.of("wrong secret", badSignature, body, 401, "does not match"),
                Arguments.of("no signature", noSignature, body, 401, "missing X-Hub-Signature-256"),
                Arguments.of("one byte changed after signing", githubHeaders("push", "d-5", body, "application/json"), mutated, 401, "does not match"),
                Arguments.of("not JSON", githubHeaders("push", "d-6", notJson, "application/json"), notJson, 400, "not JSON"),
                Arguments.of("unsupported content type", githubHeaders("push", "d-7", body, "text/xml"), body, 415, "Content-Type"),
                Arguments.of("ping is answered, not forwarded", githubHeaders("ping", "d-8", body, "application/json"), body, 200, "pong"),
                Arguments.of("event not in eventTypes", githubHeaders("issues", "d-9", body, "application/json"), body, 200, "not in this source's eventTypes"),
                Arguments.of("repository not configured", githubHeaders("push", "d-10", other, "application/json"), other, 200,
                        "someone/else is not one of"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedGitHub")
    void nothingReachesTheSinkWhen(String name, Map<String, String> headers, byte[] body, int status, String message) throws Exception {
        HttpResponse<String> r = post(github, headers, body);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.body()).contains(message);
        assertThat(sink.requests).hasValue(0);
    }

    @Test
    void droppedEventsAreCounted() throws Exception {
        byte[] body = resource("/github/push.json");
        post(github, githubHeaders("issues", "d-11", body, "application/json"), body);
        String metrics = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + github.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("kiln_source_events_dropped_total\\{[^}]*reason=\"event_type\"[^}]*\\} [1-9]");
        assertThat(metrics).contains("kiln_source_webhook_requests_total{");
    }

    static Stream<Arguments> sinkFailures() {
        return Stream.of(
                Arguments.of("5xx is retried, then 502", 503, 3),
                Arguments.of("429 is retried, then 502", 429, 3),
                Arguments.of("400 is not retried: 502 at once", 400, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkFailures")
    void aSinkThatDoesNotAcceptMakesTheDeliveryFailInGitHub(String name, int sinkStatus, int attempts) throws Exception {
        sink.status = sinkStatus;
        byte[] body = resource("/github/push.json");
        HttpResponse<String> r = post(github, githubHeaders("push", "d-12", body, "application/json"), body);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("HTTP " + sinkStatus);
        assertThat(sink.requests).hasValue(attempts);
    }

    /**
     * Raw sockets, so the test sees exactly when the server answers: after the headers and a first slice of the
     * body, not after 25 MB.
     */
    @Test
    void bodiesOverTwentyFiveMegabytesAreRefusedBeforeTheyAreRead() throws Exception {
        String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: d-big\r\n"
                + "Content-Type: application/json\r\n" + GitHubSignature.HEADER + ": sha256=" + "0".repeat(64) + "\r\n"
                + "Content-Length: " + (AdapterSettings.MAX_BODY_BYTES + 1) + "\r\n\r\n";
        assertThat(rawExchange(github.port(), head, new byte[64 << 10])).startsWith("HTTP/1.1 413");
        assertThat(sink.requests).hasValue(0);
    }

    @Test
    void whatTheHeadersDecideIsAnsweredBeforeTheBodyIsSent() throws Exception {
        // Ten mebibytes announced, none sent: the answer must not wait for them.
        String unsigned = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: d-early\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (10 << 20) + "\r\n\r\n";
        assertThat(rawExchange(github.port(), unsigned, new byte[0])).startsWith("HTTP/1.1 401");
        String wrongType = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: d-early\r\n"
                + GitHubSignature.HEADER + ": sha256=" + "0".repeat(64) + "\r\nContent-Type: text/xml\r\nContent-Length: " + (10 << 20) + "\r\n\r\n";
        assertThat(rawExchange(github.port(), wrongType, new byte[0])).startsWith("HTTP/1.1 415");
        String noToken = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Gitlab-Event: Push Hook\r\nContent-Type: application/json\r\n"
                + "Content-Length: 60000\r\n\r\n";
        assertThat(rawExchange(gitlab.port(), noToken, new byte[0])).startsWith("HTTP/1.1 401");
        assertThat(sink.requests).hasValue(0);
    }

    static Stream<Arguments> rotation() {
        return Stream.of(
                Arguments.of("the new secret", NEW_SECRET, 202, "current"),
                Arguments.of("the previous secret, during the grace window", SECRET, 202, "previous"),
                Arguments.of("neither", "another", 401, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rotation")
    void aRotatingGitHubSourceAcceptsBothSecretsAndCountsWhichSigned(String name, String signedWith, int status, String counted) throws Exception {
        byte[] body = resource("/github/push.json");
        Map<String, String> h = githubHeaders("push", "d-rot", body, "application/json");
        h.put(GitHubSignature.HEADER, GitHubSignature.sign(signedWith, body));
        double before = githubRotating.metrics().count("kiln.source.webhook.signed", "secret", counted == null ? "current" : counted);
        HttpResponse<String> r = post(githubRotating, h, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (counted != null) {
            assertThat(githubRotating.metrics().count("kiln.source.webhook.signed", "secret", counted)).isEqualTo(before + 1);
        }
    }

    static Stream<Arguments> gitlabSigning() {
        long now = java.time.Instant.now().getEpochSecond();
        return Stream.of(
                Arguments.of("signed with the signing token", SIGNING, now, null, 202),
                Arguments.of("signed with the previous signing token", OLD_SIGNING, now, null, 202),
                Arguments.of("several signatures, one valid", SIGNING, now, "v1,AAAA", 202),
                Arguments.of("signed with another token", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]), now, null, 401),
                Arguments.of("a timestamp ten minutes old (a replay)", SIGNING, now - 600, null, 401),
                Arguments.of("no signature", null, now, null, 401));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gitlabSigning")
    void gitLabsSigningTokenIsVerified(String name, String token, long timestamp, String extraSignature, int status) throws Exception {
        byte[] body = resource("/gitlab/push.json");
        Map<String, String> h = gitlabHeaders("Push Hook", null);
        String id = h.get("Idempotency-Key");
        h.put("webhook-id", id);
        h.put("webhook-timestamp", Long.toString(timestamp));
        if (token != null) {
            String signature = GitLabSignature.sign(token, id, timestamp, body);
            h.put("webhook-signature", extraSignature == null ? signature : extraSignature + " " + signature);
        }
        HttpResponse<String> r = post(gitlabSigned, h, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(sink.accepted).hasSize(status == 202 ? 1 : 0);
    }

    @Test
    void chunkedBodiesAreCutOffOnceTheyPassTheLimit() throws Exception {
        String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Gitlab-Event: Push Hook\r\nX-Gitlab-Token: " + TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) { // 4 x 32 KiB against the GitLab adapter's 64 KiB limit
            chunks.writeBytes(("8000\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.writeBytes(new byte[0x8000]);
            chunks.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(rawExchange(gitlab.port(), head, chunks.toByteArray())).startsWith("HTTP/1.1 413");
        assertThat(sink.requests).hasValue(0);
    }

    /** Sends the head and body (stopping quietly if the server closes early) and returns the status line. */
    static String rawExchange(int port, String head, byte[] body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body);
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server answered and closed before taking the whole body: what is being tested
            }
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    static Map<String, String> gitlabHeaders(String hook, String token) {
        Map<String, String> h = new HashMap<>();
        h.put("X-Gitlab-Event", hook);
        h.put("Content-Type", "application/json");
        h.put("X-Gitlab-Instance", "https://gitlab.example.com");
        h.put("X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e");
        h.put("Idempotency-Key", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f");
        h.put("User-Agent", "GitLab/17.4.0");
        if (token != null) {
            h.put("X-Gitlab-Token", token);
        }
        return h;
    }

    @Test
    void aGitLabPushReachesTheSink() throws Exception {
        byte[] body = resource("/gitlab/push.json");
        HttpResponse<String> r = post(gitlab, gitlabHeaders("Push Hook", TOKEN), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(sink.accepted).singleElement().satisfies(ce -> {
            assertThat(ce.getId()).isEqualTo("f5e5f430-f57b-4e6e-9fac-d9128cd7232f");
            assertThat(ce.getType()).isEqualTo("dev.knative.sources.gitlab.push");
            assertThat(ce.getSource()).hasToString("http://example.com/mike/diaspora");
            assertThat(ce.getExtension("comgitlabevent")).isEqualTo("Push Hook");
            assertThat(ce.getData().toBytes()).isEqualTo(body);
        });
    }

    @Test
    void aGitLabJobHookIsAJobEvent() throws Exception {
        byte[] body = resource("/gitlab/job.json");
        assertThat(post(gitlab, gitlabHeaders("Job Hook", TOKEN), body).statusCode()).isEqualTo(202);
        assertThat(sink.accepted).singleElement().satisfies(ce -> assertThat(ce.getType()).isEqualTo("dev.knative.sources.gitlab.job"));
    }

    /** Found by WebhookFuzz: an authentic payload whose URL does not parse was answered 500. */
    @Test
    void anAuthenticPayloadThatMakesNoCloudEventIs400Not500() throws Exception {
        byte[] gl = "{\"object_kind\":\"push\",\"project\":{\"web_url\":\"::\"}}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = post(gitlab, gitlabHeaders("Push Hook", TOKEN), gl);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("does not make a CloudEvent");
        byte[] gh = "{\"repository\":{\"full_name\":\"codertocat/hello-world\",\"html_url\":\"::\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(post(github, githubHeaders("push", "d-bad-url", gh, "application/json"), gh).statusCode()).isEqualTo(400);
        assertThat(sink.requests).hasValue(0);
    }

    static Stream<Arguments> refusedGitLab() {
        return Stream.of(
                Arguments.of("wrong token", "Push Hook", "t0ken-not", 401),
                Arguments.of("token differing in length", "Push Hook", "t", 401),
                Arguments.of("no token", "Push Hook", null, 401),
                Arguments.of("event not in eventTypes", "Merge Request Hook", TOKEN, 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedGitLab")
    void nothingReachesTheSinkFromGitLabWhen(String name, String hook, String token, int status) throws Exception {
        byte[] body = resource("/gitlab/push.json");
        assertThat(post(gitlab, gitlabHeaders(hook, token), body).statusCode()).isEqualTo(status);
        assertThat(sink.requests).hasValue(0);
    }
}
