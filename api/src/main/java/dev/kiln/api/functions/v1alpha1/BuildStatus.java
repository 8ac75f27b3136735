package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The latest build of a Function. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildStatus {

    /** Name of the build (the Job's name in a cluster). */
    public String name;

    /** Build key: a hash of the commit, context directory, build spec and builder version. */
    public String key;

    /** The commit being built. */
    public String commit;

    /**
     * The Function's {@code kiln.dev/rebuild} annotation when this build started (absent if it had none). A failed
     * build is started again only when the annotation has another value, or the inputs (the key) change.
     */
    public String rebuild;

    /** When the build started, RFC 3339. */
    public String startedAt;

    /** When the build finished, RFC 3339. */
    public String completedAt;
}
