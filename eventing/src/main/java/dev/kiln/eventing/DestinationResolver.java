package dev.kiln.eventing;

import io.fabric8.knative.duck.v1.KReference;
import java.net.URI;

/**
 * Resolves a Destination's {@code ref} to a URL. The eventing plane resolves its own Brokers, Sequences and
 * Parallels; everything else (Functions, Knative Services in local mode) comes from the embedder.
 */
@FunctionalInterface
public interface DestinationResolver {

    /** Resolves nothing: every ref that is not the plane's own is reported as unresolvable. */
    DestinationResolver NONE = (ref, namespace) -> {
        throw new UnresolvableException(ref.getKind() + " " + ref.getName() + " is not known here");
    };

    /**
     * @param ref the reference (its namespace may be empty)
     * @param namespace the referring object's namespace, the default for the ref's
     * @return the address
     * @throws UnresolvableException with a message saying what is missing
     */
    URI resolve(KReference ref, String namespace) throws UnresolvableException;

    /** A ref that does not resolve (yet): reported as a condition, retried at delivery time. */
    final class UnresolvableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** @param message what is missing */
        public UnresolvableException(String message) {
            super(message);
        }
    }
}
