package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker ingress over real HTTP, on requests nobody checked: binary (ce-* headers), structured and batch
 * content types, any body, to a Broker and a Sequence. Contract: a 2xx or a 4xx with a message; never a 5xx, and
 * never a hang (each request must be answered within 10 s).
 */
class IngressFuzz {

    static final String[] PATHS = {"/fuzz/default", "/sequences/fuzz/steps", "/parallels/fuzz/nope", "/fuzz", "/"};
    static final String[] CONTENT_TYPES = {"application/json", "application/cloudevents+json", "application/cloudevents-batch+json",
            "application/cloudevents", "text/plain", "application/cloudevents+json; charset=utf-8"};
    static final String[] HEADERS = {"ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-subject", "ce-dataschema",
            "ce-knativebrokerttl", "ce-traceparent", "ce-datacontenttype"};
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static EventingPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = EventingPlane.start(EventingOptions.defaults());
        plane.apply((HasMetadata) Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: fuzz}
                """));
        plane.apply((HasMetadata) Serialization.unmarshal("""
                apiVersion: flows.knative.dev/v1
                kind: Sequence
                metadata: {name: steps, namespace: fuzz}
                spec: {steps: [{uri: "http://127.0.0.1:9/"}]}
                """));
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    /** Header values as an HTTP client can send them: visible ASCII and spaces. */
    static String headerValue(FuzzedDataProvider data) {
        return data.consumeString(60).replaceAll("[^\\x20-\\x7e]", "").strip();
    }

    @FuzzTest
    void answersEveryRequestWithA2xxOrA4xx(FuzzedDataProvider data) throws Exception {
        // The test's own requests go to this machine's loopback: what Jazzer's SSRF detector must let through (set
        // here, not in @BeforeAll: the detector exists only once the fuzzer has started).
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(plane.baseUrl() + data.pickValue(PATHS))).timeout(Duration.ofSeconds(10));
        request.header("Content-Type", data.pickValue(CONTENT_TYPES));
        boolean binary = data.consumeBoolean();
        if (binary) {
            request.header("ce-specversion", data.consumeBoolean() ? "1.0" : headerValue(data));
            request.header("ce-id", "1").header("ce-source", "/fuzz").header("ce-type", "t");
        }
        int extra = data.consumeInt(0, 4);
        for (int i = 0; i < extra; i++) {
            String name = data.consumeBoolean() ? data.pickValue(HEADERS) : "ce-" + data.consumeString(8).replaceAll("[^a-z0-9]", "");
            String value = headerValue(data);
            if (!value.isEmpty() && !name.equals("ce-")) {
                request.setHeader(name, value);
            }
        }
        request.POST(HttpRequest.BodyPublishers.ofByteArray(data.consumeRemainingAsBytes()));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
    }
}
