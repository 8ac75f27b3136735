package dev.kiln.controller.sinks;

import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves a {@link Destination} to a URL as Knative's {@code resolver.URIResolver} does: a ref to any Addressable
 * (Broker, Channel, Sequence, Parallel, Knative Service, a Kiln Function: anything with {@code status.address.url})
 * becomes that URL, a core {@code v1 Service} its cluster DNS name, and a relative {@code uri} beside a ref is
 * resolved against the ref's URL.
 *
 * <p>Objects are read as generic resources, so kinds Kiln has no model for (Knative Eventing's) need no client
 * classes. The plural is derived from the kind with the English rules Kubernetes kinds follow, which is what the
 * API server's discovery would return for every Addressable kind in Knative and Kiln.
 */
public final class SinkResolver {

    /** Reason: the referenced object does not exist. */
    public static final String NOT_FOUND = "SinkNotFound";
    /** Reason: the object exists but has no address (not ready, or not an Addressable). */
    public static final String NOT_ADDRESSABLE = "SinkNotAddressable";
    /** Reason: the destination itself is malformed. */
    public static final String INVALID = "SinkInvalid";

    /**
     * A resolved destination, or why it did not resolve.
     *
     * @param uri the URL, or null
     * @param reason a CamelCase reason when {@code uri} is null
     * @param message what is missing
     */
    public record Resolution(String uri, String reason, String message) {

        /** @return whether the destination resolved */
        public boolean resolved() {
            return uri != null;
        }

        static Resolution of(String uri) {
            return new Resolution(uri, null, null);
        }

        static Resolution failed(String reason, String message) {
            return new Resolution(null, reason, message);
        }
    }

    private final KubernetesClient client;

    /** @param client the client objects are read with */
    public SinkResolver(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param namespace the namespace of the object that names the destination (the default for the ref)
     * @param destination the destination
     * @return the URL, or the reason it is not known yet
     */
    public Resolution resolve(String namespace, Destination destination) {
        if (destination == null || (destination.ref == null && (destination.uri == null || destination.uri.isEmpty()))) {
            return Resolution.failed(INVALID, "no ref and no uri");
        }
        if (destination.ref == null) {
            return absolute(destination.uri);
        }
        KReference ref = destination.ref;
        String ns = ref.namespace == null || ref.namespace.isEmpty() ? namespace : ref.namespace;
        String what = ref.kind + " " + ns + "/" + ref.name;
        String base;
        if ("v1".equals(ref.apiVersion) && "Service".equals(ref.kind)) {
            if (client.services().inNamespace(ns).withName(ref.name).get() == null) {
                return Resolution.failed(NOT_FOUND, what + " not found");
            }
            base = "http://" + ref.name + "." + ns + ".svc.cluster.local";
        } else {
            GenericKubernetesResource object;
            try {
                object = client.genericKubernetesResources(context(ref.apiVersion, ref.kind)).inNamespace(ns).withName(ref.name).get();
            } catch (KubernetesClientException e) {
                return Resolution.failed(NOT_FOUND, what + " (" + ref.apiVersion + ") could not be read: " + e.getMessage());
            }
            if (object == null) {
                return Resolution.failed(NOT_FOUND, what + " (" + ref.apiVersion + ") not found");
            }
            base = addressUrl(object);
            if (base == null) {
                return Resolution.failed(NOT_ADDRESSABLE, what + " has no status.address.url yet: is it Ready?");
            }
        }
        if (destination.uri == null || destination.uri.isEmpty()) {
            return Resolution.of(base);
        }
        return Resolution.of(URI.create(base.endsWith("/") ? base : base + "/").resolve(destination.uri).toString());
    }

    private static Resolution absolute(String uri) {
        try {
            URI u = new URI(uri);
            if (u.isAbsolute() && u.getHost() != null) {
                return Resolution.of(uri);
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        return Resolution.failed(INVALID, "uri " + uri + " is not an absolute URL and there is no ref to resolve it against");
    }

    @SuppressWarnings("unchecked")
    private static String addressUrl(GenericKubernetesResource object) {
        Object status = object.getAdditionalProperties().get("status");
        if (status instanceof Map<?, ?> s && s.get("address") instanceof Map<?, ?> address && address.get("url") instanceof String url
                && !url.isEmpty()) {
            return url;
        }
        return null;
    }

    static ResourceDefinitionContext context(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural(kind)).withNamespaced(true).build();
    }

    /** Kubernetes' English pluralisation of a kind (as in k8s.io/gengo's namer), e.g. Broker → brokers, Policy → policies. */
    static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("s") || k.endsWith("x") || k.endsWith("z") || k.endsWith("ch") || k.endsWith("sh")) {
            return k + "es";
        }
        if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        return k + "s";
    }
}
