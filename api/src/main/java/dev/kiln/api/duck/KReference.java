package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A reference to an object by kind and name, as Knative's {@code KReference}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KReference {

    /** API version of the referent, e.g. {@code eventing.knative.dev/v1}. */
    public String apiVersion;

    /** Kind of the referent, e.g. {@code Broker}. */
    public String kind;

    /** Name of the referent. */
    public String name;

    /** Namespace of the referent; defaults to the namespace of the object that holds the reference. */
    public String namespace;

    /** Creates an empty reference, for Jackson. */
    public KReference() {
    }

    /**
     * Creates a reference.
     *
     * @param apiVersion API version of the referent
     * @param kind kind of the referent
     * @param name name of the referent
     */
    public KReference(String apiVersion, String kind, String name) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.name = name;
    }

    @Override
    public String toString() {
        return kind + "/" + (namespace == null ? "" : namespace + "/") + name;
    }
}
