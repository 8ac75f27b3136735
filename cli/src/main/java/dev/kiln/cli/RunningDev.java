package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The {@code kiln dev} a command talks to, as its {@code dev.json} describes it: its Brokers and its local API. */
final class RunningDev {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonNode dev;

    private RunningDev(JsonNode dev) {
        this.dev = dev;
    }

    /** @throws StateOption.NotRunningException when no {@code kiln dev} runs for this state directory */
    static RunningDev of(StateOption state) throws StateOption.NotRunningException {
        return new RunningDev(state.running());
    }

    /** @return the eventing plane's base URL: Brokers are at {@code <base>/<namespace>/<name>} */
    String eventing() {
        return dev.path("eventing").asText();
    }

    /**
     * POSTs one event to a Broker.
     *
     * @param broker {@code namespace/name}
     * @param request headers (content type, {@code ce-*}) and the body
     * @return the Broker's answer
     */
    HttpResponse<String> post(String broker, HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.uri(URI.create(eventing() + "/" + broker)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** @return {@code GET /status} of the local API: every resource's state */
    String status() throws IOException, InterruptedException {
        return get("/status").body();
    }

    /** @return the local API's base URL, where the dashboard is */
    String admin() {
        return dev.path("admin").asText();
    }

    /**
     * @param pathAndQuery e.g. {@code /events?after=3}
     * @return the local API's answer
     */
    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(admin() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
