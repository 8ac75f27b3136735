package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API server's {@code OwnerReferencesPermissionEnforcement} admission plugin, as
 * {@code k8s.io/kubernetes/plugin/pkg/admission/gc/gc_admission.go} decides (read, not copied). OpenShift turns it
 * on, and so do clusters that follow the multi-tenancy hardening guides; a controller that works only without it
 * fails there on its first owned object. On a create or an update ({@code pods/status} excepted):
 *
 * <ul>
 *   <li>an update that changes {@code ownerReferences} needs {@code delete} on the object itself ("cannot set an
 *       ownerRef on a resource you can't delete"); a create does not (the creator could have not created it);</li>
 *   <li>every reference newly made blocking ({@code blockOwnerDeletion: true}, new or changed from false) needs
 *       {@code update} on the owner's {@code finalizers} subresource, by name, in the object's namespace ("cannot
 *       set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on").</li>
 * </ul>
 *
 * The owner's resource comes from its apiVersion and kind through a fixed REST mapping of the kinds Kiln's objects
 * may be owned by; a kind the mapping does not know is refused, as the API server refuses one its RESTMapper does
 * not know.
 */
public final class OwnerReferencesAdmission {

    /** kind → resource, for the API groups Kiln's owned objects point at (the API server asks its RESTMapper). */
    private static final Map<String, String> RESOURCES = new HashMap<>();

    static {
        for (String kind : List.of("Function", "GitHubSource", "GitLabSource", "KafkaSource", "CronSource", "Job", "Deployment", "ReplicaSet",
                "Service", "Pod", "ConfigMap", "Secret")) {
            RESOURCES.put(kind, kind.toLowerCase(java.util.Locale.ROOT) + "s");
        }
    }

    private OwnerReferencesAdmission() {
    }

    /**
     * @param rbac the authorizer
     * @param request the request, already authorized
     * @param object the object as sent
     * @param old the stored object on an update, else null
     * @return why the request is refused, or empty when admitted
     */
    public static Optional<String> refusal(Rbac rbac, ApiRequest request, JsonNode object, JsonNode old) {
        if (request.user() == null || !("create".equals(request.verb()) || "update".equals(request.verb()))
                || "".equals(request.group()) && "pods".equals(request.resource()) && "status".equals(request.subresource())) {
            return Optional.empty();
        }
        JsonNode refs = object.path("metadata").path("ownerReferences");
        JsonNode oldRefs = old == null ? null : old.path("metadata").path("ownerReferences");
        boolean changing = old == null ? refs.size() > 0 : !refs.equals(oldRefs) && !(refs.isEmpty() && oldRefs.isEmpty());
        if (!changing) {
            return Optional.empty();
        }
        if (old != null) {
            ApiRequest delete = new ApiRequest(request.user(), "delete", request.group(), request.resource(), request.subresource(), request.namespace(),
                    request.name() != null ? request.name() : object.path("metadata").path("name").asText(null), request.path());
            if (!rbac.allows(request.user(), delete)) {
                return Optional.of("cannot set an ownerRef on a resource you can't delete: , <nil>");
            }
        }
        for (JsonNode ref : newlyBlocking(refs, oldRefs)) {
            String apiVersion = ref.path("apiVersion").asText("");
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            String resource = RESOURCES.get(ref.path("kind").asText(""));
            if (resource == null) {
                return Optional.of("cannot set blockOwnerDeletion in this case because cannot find RESTMapping for APIVersion " + apiVersion
                        + " Kind " + ref.path("kind").asText("") + ": , <nil>");
            }
            ApiRequest finalizers = new ApiRequest(request.user(), "update", group, resource, "finalizers", request.namespace(),
                    ref.path("name").asText(), request.path());
            if (!rbac.allows(request.user(), finalizers)) {
                return Optional.of("cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: , <nil>");
            }
        }
        return Optional.empty();
    }

    /** References blocking now that were absent (by UID) or not blocking before. */
    private static List<JsonNode> newlyBlocking(JsonNode refs, JsonNode oldRefs) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode ref : refs) {
            if (!ref.path("blockOwnerDeletion").asBoolean(false)) {
                continue;
            }
            boolean wasBlocking = false;
            if (oldRefs != null) {
                for (JsonNode o : oldRefs) {
                    if (o.path("uid").asText("").equals(ref.path("uid").asText())) {
                        wasBlocking = o.path("blockOwnerDeletion").asBoolean(false);
                    }
                }
            }
            if (!wasBlocking) {
                found.add(ref);
            }
        }
        return found;
    }
}
