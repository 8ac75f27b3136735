package dev.kiln.builder.git;

/**
 * A Function's Git source cannot be used, for a reason the Function's status can name: each reason is a
 * distinct condition reason and tells the user what to fix.
 */
public final class SourceException extends Exception {

    /** Why the source cannot be used. */
    public enum Reason {
        /** No branch, tag or commit of that name. */
        RevisionNotFound,
        /** No repository at that URL. */
        RepositoryNotFound,
        /** The host cannot be reached. */
        RepositoryUnreachable,
        /** The repository needs credentials, or refused the ones given. */
        AuthenticationFailed,
        /** The source spec or its secret is not usable as written. */
        InvalidSource
    }

    private final Reason reason;

    /**
     * @param reason the condition reason
     * @param message what went wrong and what to do
     * @param cause the underlying error, or null
     */
    public SourceException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return the condition reason */
    public Reason reason() {
        return reason;
    }
}
