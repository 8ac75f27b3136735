package dev.kiln.controller.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OwnerReferencesPermissionEnforcement plugin's decisions, case by case (gc_admission.go's rules). */
class OwnerReferencesAdmissionTest {

    static final String SA = RbacTest.SA;
    static final ObjectMapper JSON = new ObjectMapper();

    /** May create and update jobs, delete none; may set finalizers on Functions named f only. */
    static final List<HasMetadata> ROLES = List.of(
            RbacTest.role("ClusterRole", "c", null, "{}", "[{apiGroups: [batch], resources: [jobs], verbs: [create, update]},"
                    + " {apiGroups: [kiln.dev], resources: [functions/finalizers], verbs: [update], resourceNames: [f]}]"),
            RbacTest.binding("ClusterRoleBinding", "c", null, "ClusterRole", "c"));

    static final String OWNED_BY_F = "[{apiVersion: kiln.dev/v1alpha1, kind: Function, name: f, uid: u1, controller: true, blockOwnerDeletion: true}]";
    static final String OWNED_BY_G = "[{apiVersion: kiln.dev/v1alpha1, kind: Function, name: g, uid: u2, controller: true, blockOwnerDeletion: true}]";
    static final String F_NOT_BLOCKING = "[{apiVersion: kiln.dev/v1alpha1, kind: Function, name: f, uid: u1, controller: true}]";
    static final String UNKNOWN_KIND = "[{apiVersion: x.dev/v1, kind: Thing, name: t, uid: u3, blockOwnerDeletion: true}]";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "create, no owner                          | POST | -            | -            | -",
        "create, blocking owner with finalizers    | POST | " + OWNED_BY_F + " | -       | -",
        "create, blocking owner without finalizers | POST | " + OWNED_BY_G + " | -       | cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on",
        "create, non-blocking owner                | POST | " + F_NOT_BLOCKING + " | - | -",
        "create, owner of an unknown kind          | POST | " + UNKNOWN_KIND + " | -     | cannot find RESTMapping",
        "update, owners unchanged                  | PUT  | " + OWNED_BY_G + " | " + OWNED_BY_G + " | -",
        "update, owner changed, no delete          | PUT  | " + OWNED_BY_F + " | " + F_NOT_BLOCKING + " | cannot set an ownerRef on a resource you can't delete",
    })
    void decides(String name, String method, String refs, String oldRefs, String refusal) throws Exception {
        ApiRequest request = ApiRequest.parse(SA, method, "/apis/batch/v1/namespaces/a/jobs" + ("PUT".equals(method) ? "/j" : ""));
        JsonNode object = job(refs);
        JsonNode old = "PUT".equals(method) ? job(oldRefs) : null;
        var decided = OwnerReferencesAdmission.refusal(new Rbac(ROLES), request, object, old);
        if (refusal == null) {
            assertThat(decided).isEmpty();
        } else {
            assertThat(decided).hasValueSatisfying(r -> assertThat(r).contains(refusal));
        }
    }

    static JsonNode job(String refs) throws Exception {
        return JSON.valueToTree(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                "metadata: {name: j, namespace: a" + (refs == null ? "" : ", ownerReferences: " + refs) + "}", java.util.Map.class));
    }
}
