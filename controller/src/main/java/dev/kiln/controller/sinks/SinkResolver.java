package dev.kiln.controller.sinks;

import dev.kiln.api.duck.Destination;
import dev.kiln.contract.addressing.Addressing;
import dev.kiln.contract.addressing.Unresolvable;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.util.Locale;

/**
 * Resolves a {@link Destination} to a URL as Knative's {@code resolver.URIResolver} does, with the rules of
 * {@link Addressing} (shared with local mode): a ref to any Addressable (Broker, Channel, Sequence, Parallel, Knative
 * Service, a Kiln Function: anything with {@code status.address.url}) becomes that URL, a core {@code v1 Service} its
 * cluster DNS name, and a relative {@code uri} beside a ref is resolved against the ref's URL. This class only reads
 * the referents from the API server.
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
     * Reason: the controller may not read the referenced kind. Kiln reads Addressables through the
     * {@code kiln-addressable-resolver} ClusterRole, which aggregates every ClusterRole labelled
     * {@code duck.knative.dev/addressable: "true"}, as Knative's own resolvers do; a kind whose install ships no such
     * role is refused by the API server.
     */
    public static final String FORBIDDEN = "SinkForbidden";

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
        try {
            return Resolution.of(Addressing.resolve(destination, namespace, this::address).toString());
        } catch (Forbidden e) {
            return Resolution.failed(FORBIDDEN, e.getMessage());
        } catch (Unresolvable e) {
            return Resolution.failed(switch (e.why()) {
                case INVALID -> INVALID;
                case NOT_FOUND -> NOT_FOUND;
                case NOT_ADDRESSABLE -> NOT_ADDRESSABLE;
            }, e.getMessage());
        }
    }

    /** The API server refused to let the controller read a referent (403). */
    private static final class Forbidden extends RuntimeException {
        Forbidden(String message) {
            super(message, null, false, false);
        }
    }

    /** A ref's address, read from the API server. */
    private URI address(Addressing.Ref ref) {
        if (ref.is("", "Service") && "v1".equals(ref.apiVersion())) {
            try {
                if (client.services().inNamespace(ref.namespace()).withName(ref.name()).get() == null) {
                    throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " not found");
                }
            } catch (KubernetesClientException e) {
                throw unreadable(ref, e);
            }
            return Addressing.serviceAddress(ref.name(), ref.namespace());
        }
        GenericKubernetesResource object;
        ResourceDefinitionContext kind = context(ref.apiVersion(), ref.kind());
        try {
            object = client.genericKubernetesResources(kind).inNamespace(ref.namespace()).withName(ref.name()).get();
        } catch (KubernetesClientException e) {
            throw unreadable(ref, e);
        }
        if (object == null) {
            throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " (" + ref.apiVersion() + ") not found");
        }
        String url = Addressing.addressUrl(object.getAdditionalProperties().get("status"));
        if (url == null) {
            throw new Unresolvable(Unresolvable.Why.NOT_ADDRESSABLE, ref + " has no status.address.url yet: is it Ready?");
        }
        return URI.create(url);
    }

    private static RuntimeException unreadable(Addressing.Ref ref, KubernetesClientException e) {
        if (e.getCode() == 403) {
            ResourceDefinitionContext kind = context(ref.apiVersion(), ref.kind());
            String resource = kind.getGroup().isEmpty() ? kind.getPlural() : kind.getPlural() + "." + kind.getGroup();
            return new Forbidden("the controller may not read " + resource + " (" + ref + "): give it read access with a ClusterRole labelled"
                    + " duck.knative.dev/addressable: \"true\" granting get on " + resource + ", as Knative's Addressable kinds ship");
        }
        return new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " (" + ref.apiVersion() + ") could not be read: " + e.getMessage());
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
