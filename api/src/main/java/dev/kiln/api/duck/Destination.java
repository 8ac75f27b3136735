package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where events go, as Knative's {@code Destination}: exactly one of an object reference (resolved through
 * its {@code status.address.url}) or an absolute URI.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Destination {

    /** Reference to an Addressable object: a Broker, a Knative Service, a Kiln Function, a Sequence... */
    public KReference ref;

    /** Absolute http(s) URI to send events to. */
    public String uri;

    /** Knative's PEM CA certificates for this destination: refused by validation (Kiln trusts the JVM's CAs only). */
    @JsonProperty("CACerts")
    public String caCerts;

    /** Knative's OIDC audience of the destination: refused by validation (Kiln sends no OIDC tokens). */
    public String audience;

    /** Creates an empty destination, for Jackson. */
    public Destination() {
    }

    /**
     * @param uri an absolute URI
     * @return a destination that sends to the URI
     */
    public static Destination uri(String uri) {
        Destination d = new Destination();
        d.uri = uri;
        return d;
    }

    /**
     * @param ref an object reference
     * @return a destination that sends to the referenced object's address
     */
    public static Destination ref(KReference ref) {
        Destination d = new Destination();
        d.ref = ref;
        return d;
    }

    @Override
    public String toString() {
        return ref != null ? ref.toString() : uri;
    }
}
