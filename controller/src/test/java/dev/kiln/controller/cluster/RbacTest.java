package dev.kiln.controller.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kubernetes' RBAC matching, table by table: request parsing, then rules, bindings and aggregation. */
class RbacTest {

    static final String SA = "system:serviceaccount:kiln-system:kiln-controller";

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /apis/kiln.dev/v1alpha1/namespaces/a/functions/f                      | get kiln.dev/functions in a named f",
        "GET    | /apis/kiln.dev/v1alpha1/functions?watch=true&resourceVersion=1          | watch kiln.dev/functions",
        "GET    | /apis/kiln.dev/v1alpha1/functions                                     | list kiln.dev/functions",
        "PATCH  | /apis/kiln.dev/v1alpha1/namespaces/a/functions/f/status               | patch kiln.dev/functions/status in a named f",
        "POST   | /apis/batch/v1/namespaces/a/jobs                                      | create batch/jobs in a",
        "GET    | /api/v1/namespaces/a/pods?labelSelector=job-name%3Dx                  | list pods in a",
        "GET    | /api/v1/namespaces/a/secrets?fieldSelector=metadata.name%3Ds&watch=true | watch secrets in a named s",
        "DELETE | /api/v1/namespaces/a/pods                                             | deletecollection pods in a",
        "GET    | /api/v1/namespaces/a                                                  | get namespaces in a named a",
        "GET    | /apis                                                                 | get /apis",
    })
    void requestsAreReadAsTheAuthorizerReadsThem(String method, String path, String expected) {
        assertThat(ApiRequest.parse(SA, method, path).toString()).isEqualTo(expected);
    }

    static final List<HasMetadata> ROLES = List.of(
            role("ClusterRole", "direct", null, "{}", "[{apiGroups: [kiln.dev], resources: [functions, functions/status], verbs: [get, patch]},"
                    + " {apiGroups: [''], resources: [secrets], verbs: [get], resourceNames: [only]}, {apiGroups: [x.dev], resources: ['*/scale'], verbs: ['*']}]"),
            binding("ClusterRoleBinding", "direct", null, "ClusterRole", "direct"),
            role("ClusterRole", "collector", null, "{}", null),
            binding("ClusterRoleBinding", "collector", null, "ClusterRole", "collector"),
            role("ClusterRole", "brokers", null, "{duck.knative.dev/addressable: 'true'}", "[{apiGroups: [eventing.knative.dev], resources: [brokers], verbs: [get]}]"),
            role("ClusterRole", "unlabelled", null, "{}", "[{apiGroups: [sinks.knative.dev], resources: [jobsinks], verbs: [get]}]"),
            role("Role", "leases", "kiln-system", "{}", "[{apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get]}]"),
            binding("RoleBinding", "leases", "kiln-system", "Role", "leases"));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /apis/kiln.dev/v1alpha1/namespaces/a/functions/f            | true",
        "PATCH  | /apis/kiln.dev/v1alpha1/namespaces/a/functions/f/status     | true",
        "PUT    | /apis/kiln.dev/v1alpha1/namespaces/a/functions/f/status     | false",
        "PATCH  | /apis/kiln.dev/v1alpha1/namespaces/a/functions/f/finalizers | false",
        "GET    | /apis/kiln.dev/v1alpha1/functions                            | false",
        "GET    | /api/v1/namespaces/a/secrets/only                            | true",
        "GET    | /api/v1/namespaces/a/secrets/other                           | false",
        "GET    | /api/v1/namespaces/a/secrets                                 | false",
        "PUT    | /apis/x.dev/v1/namespaces/a/things/t/scale                   | true",
        "GET    | /apis/x.dev/v1/namespaces/a/things/t                         | false",
        "GET    | /apis/eventing.knative.dev/v1/namespaces/a/brokers/b         | true",
        "GET    | /apis/sinks.knative.dev/v1alpha1/namespaces/a/jobsinks/j     | false",
        "GET    | /apis/coordination.k8s.io/v1/namespaces/kiln-system/leases/l | true",
        "GET    | /apis/coordination.k8s.io/v1/namespaces/other/leases/l       | false",
        "GET    | /version                                                     | true",
        "POST   | /apis                                                        | false",
    })
    void rulesBindingsAndAggregation(String method, String path, boolean allowed) {
        assertThat(new Rbac(ROLES).allows(SA, ApiRequest.parse(SA, method, path))).isEqualTo(allowed);
        assertThat(new Rbac(ROLES).allows("system:serviceaccount:other:someone", ApiRequest.parse(SA, method, path)))
                .as("bound to nobody else").isEqualTo(path.equals("/version"));
    }

    @ParameterizedTest(name = "{0} bound as {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "system:authenticated                  | " + SA + "                       | true",
        "system:serviceaccounts                | " + SA + "                       | true",
        "system:serviceaccounts:kiln-system    | " + SA + "                       | true",
        "system:serviceaccounts:other          | " + SA + "                       | false",
        "system:serviceaccounts                | ada                              | false",
        "system:authenticated                  | ada                              | true",
    })
    void groupsAreTheOnesTheAuthenticatorsGive(String group, String user, boolean allowed) {
        HasMetadata binding = (HasMetadata) Serialization.unmarshal("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                + "metadata: {name: basic}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: basic}\n"
                + "subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: '" + group + "'}]\n");
        Rbac rbac = new Rbac(List.of(role("ClusterRole", "basic", null, "{}",
                "[{apiGroups: [authorization.k8s.io], resources: [selfsubjectrulesreviews], verbs: [create]}]"), binding));
        assertThat(rbac.allows(user, ApiRequest.parse(user, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"))).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "in {0}: {1} rules")
    @CsvSource(delimiter = '|', value = {"kiln-system | 5", "a | 4", "'' | 4"})
    void theRulesForAUserAreTheClusterBindingsAndTheNamespacesBindings(String namespace, int rules) {
        // direct: 3 rules; collector: none of its own, aggregating brokers' 1; leases: 1, in kiln-system only.
        assertThat(new Rbac(ROLES).rulesFor(SA, namespace.isEmpty() ? null : namespace)).hasSize(rules);
        assertThat(new Rbac(ROLES).rulesFor("system:serviceaccount:other:someone", namespace.isEmpty() ? null : namespace)).isEmpty();
    }

    static HasMetadata role(String kind, String name, String namespace, String labels, String rules) {
        String aggregation = rules == null ? "aggregationRule: {clusterRoleSelectors: [{matchLabels: {duck.knative.dev/addressable: 'true'}}]}\n" : "";
        return (HasMetadata) Serialization.unmarshal("apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata: {name: " + name
                + (namespace == null ? "" : ", namespace: " + namespace) + ", labels: " + labels + "}\n" + aggregation
                + "rules: " + (rules == null ? "[]" : rules) + "\n");
    }

    static HasMetadata binding(String kind, String name, String namespace, String roleKind, String role) {
        return (HasMetadata) Serialization.unmarshal("apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata: {name: " + name
                + (namespace == null ? "" : ", namespace: " + namespace) + "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + roleKind
                + ", name: " + role + "}\nsubjects: [{kind: ServiceAccount, name: kiln-controller, namespace: kiln-system}]\n");
    }
}
