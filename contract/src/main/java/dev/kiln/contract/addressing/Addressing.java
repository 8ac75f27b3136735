package dev.kiln.contract.addressing;

import dev.kiln.api.duck.Destination;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

/**
 * How a Knative Destination becomes a URL, written once for cluster mode (the controller's {@code SinkResolver})
 * and local mode (the eventing plane, {@code kiln dev}), as {@code knative.dev/pkg/resolver} does it:
 * <ul>
 * <li>a {@code uri} alone must be absolute, with a host;</li>
 * <li>a {@code ref} becomes the referent's address, found by the caller's {@link Lookup} (the API server in a
 *     cluster, the plane's own objects locally);</li>
 * <li>a {@code uri} beside a {@code ref} must be relative, and is resolved against the ref's address by RFC 3986
 *     ({@link #relative}): {@code /x} replaces the path, {@code x} replaces its last segment. An absolute one is
 *     refused, as Knative refuses it.</li>
 * </ul>
 * Pure: no I/O here; the lookup does it.
 */
public final class Addressing {

    private Addressing() {
    }

    /**
     * A reference with its namespace defaulted to the referring object's.
     *
     * @param apiVersion the referent's API version, e.g. {@code eventing.knative.dev/v1} (may be null)
     * @param kind its kind
     * @param namespace its namespace, never empty
     * @param name its name
     */
    public record Ref(String apiVersion, String kind, String namespace, String name) {

        /** @return the API group, {@code ""} for the core group */
        public String group() {
            if (apiVersion == null) {
                return "";
            }
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }

        /**
         * @param group an API group
         * @param kind a kind
         * @return whether this refers to that group and kind
         */
        public boolean is(String group, String kind) {
            return kind.equals(this.kind) && group.equals(group());
        }

        @Override
        public String toString() {
            return kind + " " + namespace + "/" + name;
        }
    }

    /** Finds a referent's address: what only the runtime knows. */
    @FunctionalInterface
    public interface Lookup {

        /** Knows nothing: every ref is reported as not found. */
        Lookup NONE = ref -> {
            throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " is not known here");
        };

        /**
         * @param ref the reference, its namespace defaulted
         * @return the referent's address
         * @throws Unresolvable saying what is missing
         */
        URI address(Ref ref);

        /**
         * @param fallback asked for refs this lookup does not know
         * @return this lookup, then {@code fallback} where this one reports {@link Unresolvable.Why#NOT_FOUND}
         */
        default Lookup orElse(Lookup fallback) {
            return ref -> {
                try {
                    return address(ref);
                } catch (Unresolvable e) {
                    if (e.why() != Unresolvable.Why.NOT_FOUND) {
                        throw e;
                    }
                    return fallback.address(ref);
                }
            };
        }
    }

    /**
     * Resolves a Destination given by its parts (Kiln's own {@link Destination} and Knative's both have them).
     *
     * @param apiVersion the ref's API version, or null
     * @param kind the ref's kind, or null when there is no ref
     * @param name the ref's name
     * @param refNamespace the ref's namespace, or null or empty for the referring object's
     * @param uri the destination's uri, or null
     * @param namespace the referring object's namespace
     * @param lookup finds a ref's address
     * @return the URL to send to
     * @throws Unresolvable when the destination is malformed or its ref has no address (yet)
     */
    public static URI resolve(String apiVersion, String kind, String name, String refNamespace, String uri, String namespace,
            Lookup lookup) {
        boolean hasUri = uri != null && !uri.isBlank();
        if (kind == null && name == null) {
            if (!hasUri) {
                throw new Unresolvable(Unresolvable.Why.INVALID, "a destination needs a ref or a uri");
            }
            return absolute(uri);
        }
        if (kind == null || kind.isBlank() || name == null || name.isBlank()) {
            throw new Unresolvable(Unresolvable.Why.INVALID, "a ref needs a kind and a name");
        }
        String ns = refNamespace == null || refNamespace.isBlank() ? namespace : refNamespace;
        URI base = lookup.address(new Ref(apiVersion, kind, ns, name));
        return hasUri ? relative(base, uri) : base;
    }

    /**
     * Resolves Kiln's own Destination (a source's {@code sink}, a KafkaSource's dead-letter sink).
     *
     * @param destination the destination, or null
     * @param namespace the referring object's namespace
     * @param lookup finds a ref's address
     * @return the URL to send to
     * @throws Unresolvable when the destination is missing or malformed, or its ref has no address (yet)
     */
    public static URI resolve(Destination destination, String namespace, Lookup lookup) {
        if (destination == null) {
            throw new Unresolvable(Unresolvable.Why.INVALID, "no destination");
        }
        var ref = destination.ref;
        return ref == null ? resolve(null, null, null, null, destination.uri, namespace, lookup)
                : resolve(ref.apiVersion, ref.kind, ref.name, ref.namespace, destination.uri, namespace, lookup);
    }

    /**
     * The relative-URI rule: RFC 3986 reference resolution of {@code uri} against a ref's address, as Go's
     * {@code url.ResolveReference} does it for Knative. {@code /x} replaces the base's path; {@code x} replaces its
     * last segment ({@code http://h/ns/b} and {@code x} give {@code http://h/ns/x}); {@code ?q} keeps the path and
     * replaces the query. Three places where {@link URI#resolve} (RFC 2396) differs are fixed here: a base without a
     * path resolves as if its path were {@code /} (Java would glue {@code x} onto the host), a query-only reference
     * keeps the base's last segment, and {@code ..} segments that climb above the root are dropped (RFC 3986 5.2.4;
     * Java keeps them: {@code ../../up} against {@code /demo/default} gave {@code /../up}, Go gives {@code /up}).
     *
     * @param base the ref's address
     * @param uri a relative URI
     * @return the resolved URL
     * @throws Unresolvable when {@code uri} is absolute or not a URI
     */
    public static URI relative(URI base, String uri) {
        URI ref;
        try {
            ref = new URI(uri.strip());
        } catch (URISyntaxException e) {
            throw new Unresolvable(Unresolvable.Why.INVALID, "uri " + uri + " is not a URI: " + e.getMessage());
        }
        if (ref.isAbsolute()) {
            throw new Unresolvable(Unresolvable.Why.INVALID, "uri " + uri + " is absolute: beside a ref it must be relative to the ref's address");
        }
        URI b = base;
        if (b.getRawPath() == null || b.getRawPath().isEmpty()) {
            b = URI.create(b.getScheme() + "://" + b.getRawAuthority() + "/" + (b.getRawQuery() == null ? "" : "?" + b.getRawQuery()));
        }
        if (ref.getRawAuthority() == null && (ref.getRawPath() == null || ref.getRawPath().isEmpty()) && ref.getRawQuery() != null) {
            String fragment = ref.getRawFragment() == null ? "" : "#" + ref.getRawFragment();
            return URI.create(b.getScheme() + "://" + b.getRawAuthority() + b.getRawPath() + "?" + ref.getRawQuery() + fragment);
        }
        URI resolved = b.resolve(ref);
        String path = resolved.getRawPath();
        if (path == null || !(path.startsWith("/../") || path.equals("/.."))) {
            return resolved;
        }
        // Java's normalization leaves ".." only at the start of the path, where RFC 3986 drops it.
        while (path.startsWith("/../")) {
            path = path.substring(3);
        }
        if (path.equals("/..")) {
            path = "/";
        }
        return URI.create(resolved.getScheme() + "://" + resolved.getRawAuthority() + path
                + (resolved.getRawQuery() == null ? "" : "?" + resolved.getRawQuery())
                + (resolved.getRawFragment() == null ? "" : "#" + resolved.getRawFragment()));
    }

    /**
     * A core {@code v1} Service's address, as Knative gives it: its cluster DNS name, no port and no path.
     *
     * @param name the Service's name
     * @param namespace its namespace
     * @return {@code http://<name>.<namespace>.svc.cluster.local}
     */
    public static URI serviceAddress(String name, String namespace) {
        return URI.create("http://" + name + "." + namespace + ".svc.cluster.local");
    }

    /**
     * An Addressable's URL from its {@code status}, as Knative picks it: the first of {@code status.addresses},
     * else {@code status.address}.
     *
     * @param status the object's status as a generic map, or null
     * @return the URL, or null when it has none (not ready, or not an Addressable)
     */
    public static String addressUrl(Object status) {
        if (!(status instanceof Map<?, ?> s)) {
            return null;
        }
        if (s.get("addresses") instanceof List<?> addresses && !addresses.isEmpty()) {
            return url(addresses.get(0));
        }
        return url(s.get("address"));
    }

    private static String url(Object address) {
        return address instanceof Map<?, ?> a && a.get("url") instanceof String url && !url.isBlank() ? url : null;
    }

    private static URI absolute(String uri) {
        try {
            URI u = new URI(uri.strip());
            if (u.isAbsolute() && u.getHost() != null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new Unresolvable(Unresolvable.Why.INVALID, "uri " + uri + " is not an absolute URL with a host, and there is no ref to resolve it against");
    }
}
