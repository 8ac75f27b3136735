package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Pod Security admission's {@code restricted} profile, for the checks a pod spec's security contexts decide, as
 * {@code k8s.io/pod-security-admission/policy} words and decides them (read, not copied): {@code privileged},
 * {@code allowPrivilegeEscalation != false}, {@code unrestricted capabilities} (drop must hold {@code ALL}, add at
 * most {@code NET_BIND_SERVICE}), {@code runAsNonRoot != true}, {@code runAsUser=0} and {@code seccompProfile}
 * ({@code RuntimeDefault} or {@code Localhost}, from the pod or the container). Host namespaces, ports, volumes,
 * sysctls and AppArmor are not modelled: nothing Kiln writes sets them.
 */
public final class PodSecurity {

    /** The namespace label that makes the API server refuse violating pods. */
    public static final String ENFORCE = "pod-security.kubernetes.io/enforce";

    private PodSecurity() {
    }

    /**
     * @param podSpec a pod spec
     * @return the violations, each as the API server words it ({@code check (detail)}); empty when it passes
     */
    public static List<String> restrictedViolations(JsonNode podSpec) {
        JsonNode pod = podSpec.path("securityContext");
        Map<String, JsonNode> containers = new LinkedHashMap<>();
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : podSpec.path(list)) {
                containers.put(c.path("name").asText(), c.path("securityContext"));
            }
        }
        List<String> violations = new ArrayList<>();
        check(violations, "privileged", containers, (n, sc) -> sc.path("privileged").asBoolean(false),
                "container", "must not set securityContext.privileged=true");
        check(violations, "allowPrivilegeEscalation != false", containers,
                (n, sc) -> !sc.has("allowPrivilegeEscalation") || sc.get("allowPrivilegeEscalation").asBoolean(),
                "container", "must set securityContext.allowPrivilegeEscalation=false");
        check(violations, "unrestricted capabilities", containers, (n, sc) -> !strings(sc.path("capabilities").path("drop")).contains("ALL"),
                "container", "must set securityContext.capabilities.drop=[\"ALL\"]");
        List<String> added = new ArrayList<>();
        containers.forEach((n, sc) -> strings(sc.path("capabilities").path("add")).stream().filter(a -> !"NET_BIND_SERVICE".equals(a))
                .forEach(a -> added.add("\"" + a + "\"")));
        if (!added.isEmpty()) {
            violations.add("unrestricted capabilities (containers must not include " + String.join(", ", added)
                    + " in securityContext.capabilities.add)");
        }
        boolean podNonRoot = pod.path("runAsNonRoot").asBoolean(false);
        if (pod.has("runAsNonRoot") && !podNonRoot) {
            violations.add("runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)");
        } else {
            check(violations, "runAsNonRoot != true", containers,
                    (n, sc) -> sc.has("runAsNonRoot") ? !sc.get("runAsNonRoot").asBoolean() : !podNonRoot,
                    "pod or container", "must set securityContext.runAsNonRoot=true");
        }
        if (pod.path("runAsUser").isNumber() && pod.get("runAsUser").asLong() == 0) {
            violations.add("runAsUser=0 (pod must not set runAsUser=0)");
        }
        check(violations, "runAsUser=0", containers, (n, sc) -> sc.path("runAsUser").isNumber() && sc.get("runAsUser").asLong() == 0,
                "container", "must not set runAsUser=0");
        boolean podSeccomp = confined(pod.path("seccompProfile"));
        check(violations, "seccompProfile", containers,
                (n, sc) -> sc.has("seccompProfile") ? !confined(sc.get("seccompProfile")) : !podSeccomp,
                "pod or container", "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
        return violations;
    }

    private static boolean confined(JsonNode profile) {
        String type = profile.path("type").asText("");
        return "RuntimeDefault".equals(type) || "Localhost".equals(type);
    }

    /** One check over every container: {@code check (container "a" detail)}, {@code containers "a", "b"} for more. */
    private static void check(List<String> violations, String check, Map<String, JsonNode> containers, BiPredicate<String, JsonNode> bad,
            String who, String detail) {
        List<String> names = containers.entrySet().stream().filter(e -> bad.test(e.getKey(), e.getValue())).map(e -> "\"" + e.getKey() + "\"")
                .collect(Collectors.toList());
        if (!names.isEmpty()) {
            violations.add(check + " (" + who + (names.size() == 1 ? " " : "s ") + String.join(", ", names) + " " + detail + ")");
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }
}
