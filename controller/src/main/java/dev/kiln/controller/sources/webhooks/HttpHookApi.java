package dev.kiln.controller.sources.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The HTTP part GitHub's and GitLab's hook APIs share: JSON in and out, the forge's message on a failure. */
abstract class HttpHookApi implements HookApi {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;

    HttpHookApi(HttpClient http) {
        this.http = http;
    }

    /** Adds the forge's authentication and API headers. */
    abstract HttpRequest.Builder authenticated(HttpRequest.Builder request);

    JsonNode call(String method, URI uri, JsonNode body) throws HookApiException {
        HttpRequest.Builder request = authenticated(HttpRequest.newBuilder(uri).timeout(TIMEOUT))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HookApiException(0, method + " " + uri + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookApiException(0, method + " " + uri + ": interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new HookApiException(response.statusCode(), method + " " + uri + " answered " + response.statusCode() + ": " + message(response.body()));
        }
        try {
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new HookApiException(response.statusCode(), method + " " + uri + " answered something that is not JSON: " + e.getMessage());
        }
    }

    /** Deletes what the URI names; what is already gone (404) is not an error. */
    void deleteIfPresent(URI uri) throws HookApiException {
        try {
            call("DELETE", uri, null);
        } catch (HookApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** Both forges put their explanation in {@code message}; anything else is quoted as it came, cut short. */
    private static String message(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").isTextual() ? json.get("message").asText() : json.get("message").toString();
            }
        } catch (IOException e) {
            // not JSON: quoted below
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
