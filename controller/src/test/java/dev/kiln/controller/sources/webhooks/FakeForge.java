package dev.kiln.controller.sources.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test double of GitHub's and GitLab's hook APIs over real HTTP, on loopback: repository and organization hooks
 * ({@code /repos/{owner}/{repo}/hooks}, {@code /orgs/{org}/hooks}, a Bearer token) and project hooks
 * ({@code /api/v4/projects/{id}/hooks}, {@code PRIVATE-TOKEN}), with the status codes and {@code message} bodies
 * those APIs answer: 401 for a wrong token, 404 for an unknown hook or a repository the test did not create, 201 on
 * create, 200 on update, 204 on delete.
 */
public final class FakeForge implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GITHUB = Pattern.compile("^/(repos/[^/]+/[^/]+|orgs/[^/]+)/hooks(?:/(\\d+))?$");
    private static final Pattern GITLAB = Pattern.compile("^/api/v4/projects/([^/]+)/hooks(?:/(\\d+))?$");

    private final HttpServer server;
    private final String token;
    private final AtomicInteger ids = new AtomicInteger(100);
    /** Hooks by target (owner/repo, an org, or a GitLab project path), by id. */
    private final Map<String, Map<String, ObjectNode>> hooks = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int failWith;

    /** @param token the one token the API accepts */
    public FakeForge(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the base URL: GitHub's API URL, and the host of GitLab projects */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @param target a repository, org or project that exists (others are 404) */
    public void repository(String target) {
        hooks.putIfAbsent(target, new ConcurrentHashMap<>());
    }

    /** @return a target's hooks as the API stores them */
    public Map<String, ObjectNode> hooks(String target) {
        return hooks.getOrDefault(target, Map.of());
    }

    /** @return every request, as "METHOD path" */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** @param status answer every request with this status from now on (0: answer normally) */
    public void failWith(int status) {
        this.failWith = status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        requests.add(method + " " + path);
        if (failWith != 0) {
            answer(exchange, failWith, JSON.createObjectNode().put("message", "Server Error"));
            return;
        }
        Matcher github = GITHUB.matcher(path);
        Matcher gitlab = GITLAB.matcher(path);
        String target;
        String id;
        if (github.matches()) {
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, JSON.createObjectNode().put("message", "Bad credentials"));
                return;
            }
            target = github.group(1).replaceFirst("^(repos|orgs)/", "");
            id = github.group(2);
        } else if (gitlab.matches()) {
            if (!token.equals(exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
                answer(exchange, 401, JSON.createObjectNode().put("message", "401 Unauthorized"));
                return;
            }
            target = URLDecoder.decode(gitlab.group(1), StandardCharsets.UTF_8);
            id = gitlab.group(2);
        } else {
            answer(exchange, 404, JSON.createObjectNode().put("message", "Not Found"));
            return;
        }
        Map<String, ObjectNode> of = hooks.get(target);
        if (of == null || id != null && !of.containsKey(id)) {
            answer(exchange, 404, JSON.createObjectNode().put("message", gitlab.matches() ? "404 Not found" : "Not Found"));
            return;
        }
        JsonNode body = exchange.getRequestBody().available() >= 0 ? readBody(exchange) : null;
        switch (method) {
            case "GET" -> {
                ArrayNode list = JSON.createArrayNode();
                of.values().forEach(list::add);
                answer(exchange, 200, list);
            }
            case "POST" -> {
                ObjectNode hook = ((ObjectNode) body).put("id", ids.incrementAndGet());
                of.put(hook.get("id").asText(), hook);
                answer(exchange, 201, hook);
            }
            case "PATCH", "PUT" -> {
                // Both APIs change the fields sent and keep the others (GitHub's name, for one).
                ObjectNode hook = of.get(id).deepCopy();
                hook.setAll((ObjectNode) body);
                of.put(id, hook);
                answer(exchange, 200, hook);
            }
            case "DELETE" -> {
                of.remove(id);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            default -> answer(exchange, 405, JSON.createObjectNode().put("message", "Method Not Allowed"));
        }
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0 ? null : JSON.readTree(bytes);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
