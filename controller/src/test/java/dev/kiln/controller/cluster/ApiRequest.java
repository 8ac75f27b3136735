package dev.kiln.controller.cluster;

import java.net.URI;
import java.util.List;

/**
 * A request to the API server as Kubernetes' authorizer sees it ({@code k8s.io/apiserver}'s
 * {@code RequestInfoFactory}): a verb and, for resource requests, the API group, resource, subresource, namespace
 * and name. Discovery and other paths outside {@code /api} and {@code /apis/<group>/<version>} are non-resource
 * requests.
 *
 * @param user who asks ({@code Impersonate-User}), or null for the cluster's own components and the test
 * @param verb get, list, watch, create, update, patch, delete or deletecollection (or the HTTP verb lower-cased for a
 *     non-resource request)
 * @param group the API group, {@code ""} for the core group
 * @param resource the plural, or null for a non-resource request
 * @param subresource e.g. {@code status}, or null
 * @param namespace the namespace, or null for a cluster-wide request
 * @param name the object's name, or null
 * @param path the path as requested
 */
public record ApiRequest(String user, String verb, String group, String resource, String subresource, String namespace, String name,
        String path) {

    /** @return the resource as RBAC rules name it: {@code functions/status} */
    public String combinedResource() {
        return subresource == null ? resource : resource + "/" + subresource;
    }

    /** @return whether this is a request for an object or a collection (not discovery) */
    public boolean isResourceRequest() {
        return resource != null;
    }

    @Override
    public String toString() {
        if (!isResourceRequest()) {
            return verb + " " + path;
        }
        return verb + " " + (group.isEmpty() ? "" : group + "/") + combinedResource() + (namespace == null ? "" : " in " + namespace)
                + (name == null ? "" : " named " + name);
    }

    /**
     * @param user the impersonated user, or null
     * @param method the HTTP method
     * @param rawPath the request path with its query
     * @return the request's attributes
     */
    public static ApiRequest parse(String user, String method, String rawPath) {
        URI uri = URI.create(rawPath);
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        List<String> parts = List.of(uri.getPath().replaceAll("^/+|/+$", "").split("/"));
        int at;
        String group;
        if (parts.size() >= 2 && "api".equals(parts.get(0))) {
            group = "";
            at = 2;
        } else if (parts.size() >= 3 && "apis".equals(parts.get(0))) {
            group = parts.get(1);
            at = 3;
        } else {
            return new ApiRequest(user, method.toLowerCase(java.util.Locale.ROOT), null, null, null, null, null, rawPath);
        }
        List<String> rest = parts.subList(at, parts.size());
        if (rest.isEmpty()) {
            return new ApiRequest(user, method.toLowerCase(java.util.Locale.ROOT), null, null, null, null, null, rawPath);
        }
        String namespace = null;
        // /namespaces/{ns}/{resource}... names a namespaced resource; /namespaces and /namespaces/{name}[/sub] are the
        // Namespace objects themselves.
        if ("namespaces".equals(rest.get(0)) && rest.size() >= 3) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : null;
        String subresource = rest.size() > 2 ? rest.get(2) : null;
        if ("namespaces".equals(resource) && name != null) {
            namespace = name;
        }
        boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
        if (name == null && watch) {
            // A watch of one object is a list-watch with a field selector on its name.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("fieldSelector=metadata\\.name(%3D|=)([^&]+)").matcher(query);
            if (m.find()) {
                name = java.net.URLDecoder.decode(m.group(2), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        String verb = switch (method) {
            case "GET", "HEAD" -> watch ? "watch" : rest.size() == 1 ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> rest.size() == 1 ? "deletecollection" : "delete";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return new ApiRequest(user, verb, group, resource, subresource, namespace, name, rawPath);
    }
}
