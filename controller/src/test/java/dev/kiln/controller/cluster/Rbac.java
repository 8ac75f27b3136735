package dev.kiln.controller.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' RBAC authorizer over a set of Roles, ClusterRoles and their bindings, as
 * {@code k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac} decides: a request is allowed when a rule of a role bound
 * to the user allows it; a ClusterRoleBinding's rules apply in every namespace and to cluster-wide requests, a
 * RoleBinding's only in its namespace. A rule allows a request when its apiGroups, resources (with {@code *},
 * {@code res/sub} and {@code *}{@code /sub}), verbs and, if it names any, resourceNames match. Aggregated ClusterRoles
 * take the rules of every ClusterRole their selectors match, as the controller-manager's aggregation controller
 * fills them in. Discovery (non-resource GETs under {@code /api}, {@code /apis}, {@code /version},
 * {@code /openapi}) is allowed to every user, as Kubernetes' {@code system:discovery} ClusterRole does.
 */
public final class Rbac {

    private final List<HasMetadata> objects = new ArrayList<>();

    /** @param objects Roles, ClusterRoles and bindings (anything else is ignored) */
    public Rbac(Collection<? extends HasMetadata> objects) {
        this.objects.addAll(objects);
    }

    /**
     * Reads the RBAC objects of every YAML file a kustomization lists (and of the kustomizations it lists in turn).
     *
     * @param kustomizationDir a directory with a {@code kustomization.yaml}
     * @return the objects found
     */
    @SuppressWarnings("unchecked")
    public static List<HasMetadata> fromKustomization(Path kustomizationDir) {
        List<HasMetadata> found = new ArrayList<>();
        try {
            Map<String, Object> kustomization = Serialization.unmarshal(Files.readString(kustomizationDir.resolve("kustomization.yaml")), Map.class);
            for (Object resource : (List<Object>) kustomization.getOrDefault("resources", List.of())) {
                Path p = kustomizationDir.resolve(resource.toString()).normalize();
                if (Files.isDirectory(p)) {
                    found.addAll(fromKustomization(p));
                } else {
                    found.addAll(fromFile(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * @param yaml a file of YAML documents
     * @return its RBAC objects
     */
    public static List<HasMetadata> fromFile(Path yaml) {
        try {
            return fromYaml(Files.readString(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param yaml YAML documents
     * @return their RBAC objects
     */
    public static List<HasMetadata> fromYaml(String yaml) {
        List<HasMetadata> found = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            Object o = Serialization.unmarshal(doc);
            if (o instanceof ClusterRole || o instanceof Role || o instanceof ClusterRoleBinding || o instanceof RoleBinding) {
                found.add((HasMetadata) o);
            }
        }
        return found;
    }

    /** @return a copy with these objects added (e.g. what Knative installs beside Kiln) */
    public Rbac with(Collection<? extends HasMetadata> more) {
        Rbac r = new Rbac(objects);
        r.objects.addAll(more);
        return r;
    }

    /**
     * @param serviceAccount {@code system:serviceaccount:<namespace>:<name>}
     * @param request the request
     * @return whether the user may make it
     */
    public boolean allows(String serviceAccount, ApiRequest request) {
        if (!request.isResourceRequest()) {
            return "get".equals(request.verb()) && request.path().matches("/(api|apis|version|openapi)(/.*|\\?.*)?");
        }
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRoleBinding b && bound(b.getSubjects(), serviceAccount)
                    && rules(b.getRoleRef(), null).stream().anyMatch(r -> allows(r, request))) {
                return true;
            }
            if (o instanceof RoleBinding b && b.getMetadata().getNamespace().equals(request.namespace()) && bound(b.getSubjects(), serviceAccount)
                    && rules(b.getRoleRef(), b.getMetadata().getNamespace()).stream().anyMatch(r -> allows(r, request))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every rule that applies to the user in a namespace (or cluster-wide, for null), as the API server's rule
     * resolver lists them for a SelfSubjectRulesReview: the ClusterRoleBindings' and the namespace's RoleBindings'.
     *
     * @param user the user
     * @param namespace the namespace, or null
     * @return the rules
     */
    public List<PolicyRule> rulesFor(String user, String namespace) {
        List<PolicyRule> rules = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRoleBinding b && bound(b.getSubjects(), user)) {
                rules.addAll(rules(b.getRoleRef(), null));
            }
            if (o instanceof RoleBinding b && b.getMetadata().getNamespace().equals(namespace) && bound(b.getSubjects(), user)) {
                rules.addAll(rules(b.getRoleRef(), b.getMetadata().getNamespace()));
            }
        }
        return rules;
    }

    private static boolean bound(List<Subject> subjects, String user) {
        return subjects != null && subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && user.equals("system:serviceaccount:" + s.getNamespace() + ":" + s.getName())
                || "User".equals(s.getKind()) && user.equals(s.getName())
                || "Group".equals(s.getKind()) && groups(user).contains(s.getName()));
    }

    /**
     * The groups the API server's authenticators put a user in: every authenticated user is in
     * {@code system:authenticated}; a ServiceAccount's token also in {@code system:serviceaccounts} and
     * {@code system:serviceaccounts:<namespace>} ({@code k8s.io/apiserver/pkg/authentication/serviceaccount}).
     */
    static List<String> groups(String user) {
        String[] sa = user.split(":");
        if (sa.length == 4 && user.startsWith("system:serviceaccount:")) {
            return List.of("system:serviceaccounts", "system:serviceaccounts:" + sa[2], "system:authenticated");
        }
        return List.of("system:authenticated");
    }

    private List<PolicyRule> rules(RoleRef ref, String namespace) {
        if ("Role".equals(ref.getKind())) {
            return objects.stream().filter(o -> o instanceof Role r && r.getMetadata().getName().equals(ref.getName())
                    && r.getMetadata().getNamespace().equals(namespace)).flatMap(o -> nonNull(((Role) o).getRules()).stream()).toList();
        }
        return objects.stream().filter(o -> o instanceof ClusterRole r && r.getMetadata().getName().equals(ref.getName()))
                .flatMap(o -> clusterRoleRules((ClusterRole) o).stream()).toList();
    }

    private List<PolicyRule> clusterRoleRules(ClusterRole role) {
        if (role.getAggregationRule() == null) {
            return nonNull(role.getRules());
        }
        // The aggregation controller overwrites the rules with the union of the selected roles' rules.
        List<PolicyRule> rules = new ArrayList<>();
        for (LabelSelector selector : role.getAggregationRule().getClusterRoleSelectors()) {
            for (HasMetadata o : objects) {
                if (o instanceof ClusterRole other && other != role && other.getAggregationRule() == null && matches(selector, other)) {
                    rules.addAll(nonNull(other.getRules()));
                }
            }
        }
        return rules;
    }

    private static boolean matches(LabelSelector selector, HasMetadata o) {
        Map<String, String> labels = o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new UnsupportedOperationException("matchExpressions in an aggregation rule are not modelled");
        }
        return selector.getMatchLabels() != null && selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** One rule against one request, as {@code rbac.RuleAllows}. */
    static boolean allows(PolicyRule rule, ApiRequest request) {
        List<String> verbs = nonNull(rule.getVerbs());
        if (!verbs.contains("*") && !verbs.contains(request.verb())) {
            return false;
        }
        List<String> groups = nonNull(rule.getApiGroups());
        if (!groups.contains("*") && !groups.contains(request.group())) {
            return false;
        }
        boolean resource = false;
        for (String r : nonNull(rule.getResources())) {
            if (r.equals("*") || r.equals(request.combinedResource())
                    || request.subresource() != null && r.equals("*/" + request.subresource())) {
                resource = true;
            }
        }
        if (!resource) {
            return false;
        }
        List<String> names = nonNull(rule.getResourceNames());
        return names.isEmpty() || request.name() != null && names.contains(request.name());
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
