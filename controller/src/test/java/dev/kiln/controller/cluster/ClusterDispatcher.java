package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * fabric8's CRUD dispatcher with what a real API server adds in front and behind, for Kiln's tests:
 *
 * <ul>
 *   <li><b>Authorization</b>: a request made as a user ({@code Impersonate-User}, as the controller's client is
 *       configured) is recorded and checked against {@link Rbac}; a denied one is answered 403 with the API server's
 *       message, and kept in {@link #denied()} so a test can fail on it.</li>
 *   <li><b>Owner references</b>: the {@code OwnerReferencesPermissionEnforcement} admission plugin
 *       ({@link OwnerReferencesAdmission}) on a user's creates and updates; its refusals are 403s kept in
 *       {@link #denied()} too.</li>
 *   <li><b>Admission</b>, in the API server's order: Knative Serving's defaulting webhook on Service creates and
 *       updates ({@link KnativeServing#setDefaults}); then the validating webhooks ({@link ValidatingWebhook}):
 *       Knative Serving's ({@link KnativeServing#validate} for the settings an operator limits, and
 *       {@link KnativeValidation} for the field masks and the name), configured by the {@code config-defaults} and
 *       {@code config-autoscaler} ConfigMaps a test puts in {@code knative-serving}, and those a test adds; their
 *       refusals are answered as kubernetes {@code apiserver/pkg/admission/plugin/webhook/errors/statuserror.go}
 *       {@code ToStatusErr} words them; then the {@code ResourceQuota} plugin for object counts
 *       ({@link ResourceQuotaAdmission}).</li>
 *   <li><b>Garbage collection</b>: an object deleted for good takes its dependents (ownerReferences) with it, in
 *       the background, as the garbage collector's default propagation does.</li>
 * </ul>
 *
 * Requests without a user are the test's and the modelled cluster components' own, and are not authorized.
 */
public final class ClusterDispatcher extends KubernetesCrudDispatcher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KNATIVE_SERVICES = "^/apis/serving\\.knative\\.dev/v1/namespaces/[^/]+/services(/[^/?]+)?(\\?.*)?$";

    private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ApiRequest> denied = new CopyOnWriteArrayList<>();
    private final List<ValidatingWebhook> webhooks = new CopyOnWriteArrayList<>();
    private volatile Rbac rbac;
    private volatile Consumer<JsonNode> collector = o -> {
    };

    /** @param rbac the roles the users' requests are authorized by */
    public ClusterDispatcher(Rbac rbac) {
        this.rbac = rbac;
        webhooks.add(new ValidatingWebhook(KnativeValidation.WEBHOOK, "serving.knative.dev", "services", this::knativeServingReview));
    }

    /** @param rbac the roles from now on */
    public void rbac(Rbac rbac) {
        this.rbac = rbac;
    }

    /** @return the roles in force */
    public Rbac rbac() {
        return rbac;
    }

    /** @param collector called with every object deleted for good, to delete its dependents */
    public void collector(Consumer<JsonNode> collector) {
        this.collector = collector;
    }

    /**
     * @param webhook a validating webhook the API server calls from now on
     * @return what removes it again
     */
    public AutoCloseable webhook(ValidatingWebhook webhook) {
        webhooks.add(webhook);
        return () -> webhooks.remove(webhook);
    }

    /** @return every request made as a user, in order */
    public List<ApiRequest> requests() {
        return List.copyOf(requests);
    }

    /** @return the requests RBAC denied */
    public List<ApiRequest> denied() {
        return List.copyOf(denied);
    }

    /** Forgets the recorded requests and denials. */
    public void clearRecords() {
        requests.clear();
        denied.clear();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String user = request.getHeader("Impersonate-User");
        ApiRequest api = ApiRequest.parse(user, request.getMethod(), request.getPath());
        if (user != null) {
            requests.add(api);
            if (!rbac.allows(user, api)) {
                denied.add(api);
                return forbidden(user, api);
            }
        }
        String path = request.getPath();
        if (user != null && "POST".equals(request.getMethod()) && "authorization.k8s.io".equals(api.group())
                && "selfsubjectrulesreviews".equals(api.resource())) {
            return selfSubjectRulesReview(request, user);
        }
        if (user != null && api.isResourceRequest() && List.of("POST", "PUT", "PATCH").contains(request.getMethod())) {
            // Reading a recorded body consumes it: read it once and pass on a copy.
            byte[] sent = request.getBody() == null ? new byte[0] : request.getBody().readByteArray();
            request = new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(), new Buffer(sent));
            String text = new String(sent, StandardCharsets.UTF_8);
            if ("PATCH".equals(request.getMethod())) {
                if (text.contains("ownerReferences")) {
                    return new MockResponse().setResponseCode(501).setBody("the test cluster does not model OwnerReferencesPermissionEnforcement on patches");
                }
            } else {
                JsonNode object = json(text);
                java.util.Optional<String> refused = OwnerReferencesAdmission.refusal(rbac, api, object, "PUT".equals(request.getMethod()) ? stored(path) : null);
                if (refused.isPresent()) {
                    denied.add(api);
                    return forbidden(api, object.path("metadata").path("name").asText(api.name()), refused.get());
                }
            }
        }
        if (api.isResourceRequest() && path.matches(KNATIVE_SERVICES) && api.subresource() == null) {
            if ("PATCH".equals(request.getMethod())) {
                // Kiln never patches a Knative Service; the webhook on patches is not modelled, so say so loudly.
                return new MockResponse().setResponseCode(501).setBody("the test cluster does not model Knative's webhook on patches");
            }
        }
        if (api.isResourceRequest() && api.subresource() == null && ("POST".equals(request.getMethod()) || "PUT".equals(request.getMethod()))) {
            Admission admission = admit(request, api, user);
            if (admission.refusal() != null) {
                return admission.refusal();
            }
            request = admission.request();
        }
        JsonNode deleted = "DELETE".equals(request.getMethod()) && api.name() != null ? stored(path) : null;
        MockResponse response = super.dispatch(request);
        if (deleted != null && response.code() == 200 && stored(path) == null) {
            collector.accept(deleted);
        }
        if (("PATCH".equals(request.getMethod()) || "PUT".equals(request.getMethod())) && api.name() != null && response.code() == 200) {
            // The API server removes an object being deleted once its last finalizer is gone.
            String objectPath = path.replaceAll("\\?.*", "");
            if (api.subresource() != null) {
                objectPath = objectPath.substring(0, objectPath.lastIndexOf('/'));
            }
            JsonNode now = stored(objectPath);
            if (now != null && now.path("metadata").hasNonNull("deletionTimestamp") && now.path("metadata").path("finalizers").isEmpty()) {
                super.handleDelete(objectPath);
                collector.accept(now);
            }
        }
        return response;
    }

    private JsonNode stored(String path) {
        MockResponse r = super.handleGet(path.replaceAll("\\?.*", ""));
        if (r.code() != 200) {
            return null;
        }
        try {
            return JSON.readTree(r.getBody().readUtf8());
        } catch (IOException e) {
            return null;
        }
    }

    private record Admission(RecordedRequest request, MockResponse refusal) {
    }

    /** Admission of a create or update: the mutating webhook, the validating webhooks, the quota. */
    private Admission admit(RecordedRequest request, ApiRequest api, String user) {
        try {
            byte[] sent = request.getBody() == null ? new byte[0] : request.getBody().readByteArray();
            RecordedRequest copy = new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(), new Buffer(sent));
            if (!(sent.length > 0 && parse(sent) instanceof ObjectNode object)) {
                return new Admission(copy, null);
            }
            if (request.getPath().matches(KNATIVE_SERVICES)) {
                JsonNode old = "PUT".equals(request.getMethod()) ? stored(request.getPath()) : null;
                KnativeServing.setDefaults(object, old, user, knativeConfig());
                sent = JSON.writeValueAsBytes(object);
            }
            String name = object.path("metadata").path("name").asText(api.name());
            for (ValidatingWebhook webhook : webhooks) {
                if (webhook.reviews(api)) {
                    var denial = webhook.review().apply(object);
                    if (denial.isPresent()) {
                        return new Admission(null, deniedByWebhook(api, name, webhook.name(), denial.get()));
                    }
                }
            }
            var quota = ResourceQuotaAdmission.refusal(api, this::storedList);
            if (quota.isPresent()) {
                return new Admission(null, forbidden(api, name, quota.get()));
            }
            return new Admission(new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(), new Buffer(sent)), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Knative Serving's validating webhook: one answer for every check it makes, knative.dev/pkg's {@code MakeErrorStatus}
     * ({@code validation failed: ...}, a 400 BadRequest), its errors one a line, sorted by message as {@code FieldError}
     * sorts them.
     */
    private java.util.Optional<ValidatingWebhook.Denial> knativeServingReview(JsonNode service) {
        List<String> errors = new ArrayList<>(KnativeServing.validate(service, knativeConfig()));
        errors.addAll(KnativeValidation.errors(service));
        errors.sort(null);
        return errors.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new ValidatingWebhook.Denial(400, "BadRequest", "validation failed: " + String.join("\n", errors)));
    }

    /** Knative's configuration as its webhook reads it: the ConfigMaps in {@code knative-serving}, when there are any. */
    private KnativeServing.Config knativeConfig() {
        String configMaps = "/api/v1/namespaces/" + KnativeServing.SYSTEM_NAMESPACE + "/configmaps/";
        JsonNode defaults = stored(configMaps + "config-defaults");
        JsonNode autoscaler = stored(configMaps + "config-autoscaler");
        return KnativeServing.Config.of(defaults == null ? null : defaults.path("data"), autoscaler == null ? null : autoscaler.path("data"));
    }

    /** @return the body as JSON, or null when it is not JSON (left to the CRUD dispatcher, as before) */
    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode storedList(String path) {
        MockResponse r = super.handleGet(path);
        try {
            return r.code() == 200 ? JSON.readTree(r.getBody().readUtf8()) : JSON.createObjectNode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A validating webhook's denial as the API server answers it (statuserror.go's ToStatusErr). */
    private static MockResponse deniedByWebhook(ApiRequest api, String name, String webhook, ValidatingWebhook.Denial denial) {
        int code = denial.code() == 0 ? 403 : denial.code();
        String prefix = code == 500 ? "Internal error occurred" : api.resource() + (api.group().isEmpty() ? "" : "." + api.group()) + " \""
                + (name == null || name.isEmpty() ? "Unknown" : name) + "\" is forbidden";
        String message = prefix + ": admission webhook \"" + webhook + "\" denied the request: " + denial.message();
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", denial.reason() != null && !denial.reason().isEmpty() ? denial.reason()
                        : code == 500 ? "InternalError" : "Forbidden")
                .put("code", code);
        status.putObject("details").put("group", api.group()).put("kind", api.resource()).put("name", name);
        return new MockResponse().setResponseCode(code).setBody(status.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The API server's answer to a SelfSubjectRulesReview ({@code pkg/registry/authorization/selfsubjectrulesreview}):
     * nothing is stored; the review comes back, 201, with the rules that apply to the asking user in the namespace
     * named in its spec, and the non-resource rules of discovery (as {@link Rbac} models it).
     */
    private MockResponse selfSubjectRulesReview(RecordedRequest request, String user) {
        try {
            ObjectNode review = (ObjectNode) JSON.readTree(request.getUtf8Body());
            String namespace = review.path("spec").path("namespace").asText(null);
            ObjectNode status = review.putObject("status").put("incomplete", false);
            var resourceRules = status.putArray("resourceRules");
            for (var rule : rbac.rulesFor(user, namespace)) {
                if (rule.getResources() == null || rule.getResources().isEmpty()) {
                    continue;
                }
                ObjectNode r = resourceRules.addObject();
                r.set("verbs", JSON.valueToTree(rule.getVerbs()));
                r.set("apiGroups", JSON.valueToTree(rule.getApiGroups()));
                r.set("resources", JSON.valueToTree(rule.getResources()));
                if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
                    r.set("resourceNames", JSON.valueToTree(rule.getResourceNames()));
                }
            }
            ObjectNode discovery = status.putArray("nonResourceRules").addObject();
            discovery.putArray("verbs").add("get");
            var urls = discovery.putArray("nonResourceURLs");
            List.of("/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/version", "/version/").forEach(urls::add);
            return new MockResponse().setResponseCode(201).setBody(JSON.writeValueAsString(review));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An admission plugin's refusal: 403, the object named, the plugin's reason. */
    private static MockResponse forbidden(ApiRequest api, String name, String reason) {
        String message = api.resource() + (api.group().isEmpty() ? "" : "." + api.group()) + (name == null ? "" : " \"" + name + "\"")
                + " is forbidden: " + reason;
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", "Forbidden").put("code", 403);
        return new MockResponse().setResponseCode(403).setBody(status.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static MockResponse forbidden(String user, ApiRequest api) {
        String what = api.isResourceRequest()
                ? "cannot " + api.verb() + " resource \"" + api.resource() + "\"" + (api.subresource() == null ? "" : " subresource \"" + api.subresource() + "\"")
                + " in API group \"" + api.group() + "\"" + (api.namespace() == null ? " at the cluster scope" : " in the namespace \"" + api.namespace() + "\"")
                : "cannot " + api.verb() + " path \"" + api.path() + "\"";
        String message = (api.name() == null ? api.resource() : api.resource() + " \"" + api.name() + "\"") + " is forbidden: User \"" + user + "\" " + what;
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", "Forbidden").put("code", 403);
        ObjectNode details = status.putObject("details").put("kind", api.resource());
        if (api.name() != null) {
            details.put("name", api.name());
        }
        if (api.group() != null) {
            details.put("group", api.group());
        }
        return new MockResponse().setResponseCode(403).setBody(status.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return every stored object, as JSON */
    public List<JsonNode> objects() {
        List<JsonNode> all = new ArrayList<>();
        for (String json : new ArrayList<>(getMap().values())) {
            try {
                all.add(JSON.readTree(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }
}
