package dev.kiln.contract.addressing;

/** A Destination that does not resolve (yet): reported as a condition, tried again later. */
public final class Unresolvable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a destination does not resolve. */
    public enum Why {
        /** The destination itself is malformed: no ref and no uri, a relative uri alone, an absolute one beside a ref. */
        INVALID,
        /** The referent does not exist. */
        NOT_FOUND,
        /** The referent exists but has no address: not ready, or not an Addressable. */
        NOT_ADDRESSABLE
    }

    private final Why why;

    /**
     * @param why the kind of failure
     * @param message what is missing, for a condition's message
     */
    public Unresolvable(Why why, String message) {
        super(message);
        this.why = why;
    }

    /** @return the kind of failure */
    public Why why() {
        return why;
    }
}
