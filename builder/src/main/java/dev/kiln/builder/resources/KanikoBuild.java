package dev.kiln.builder.resources;

import dev.kiln.builder.plan.Strategy;

/**
 * One build of one Function: everything the Kaniko Job needs.
 *
 * @param functionName the Function's name
 * @param namespace its namespace
 * @param functionUid its UID (the Job is owned by it, so deleting the Function deletes its builds)
 * @param gitUrl the repository
 * @param commit the full commit SHA
 * @param contextDir the context directory, "" for the root
 * @param gitSecret the Secret with Git credentials, or null
 * @param strategy how to build
 * @param dockerfile the Dockerfile's path in the context ({@code dockerfile} strategy), or null
 * @param image the image repository, e.g. {@code registry.example.com/team/greeter}
 * @param pushSecret the dockerconfigjson Secret for the registry, or null
 * @param buildKey the build key
 * @param timeoutSeconds the build's deadline
 * @param rebuild the Function's {@code kiln.dev/rebuild} annotation the build runs under, or null: a new value is a new
 *     build of the same key, in a Job of another name (the failed one may still be there until its TTL)
 */
public record KanikoBuild(String functionName, String namespace, String functionUid, String gitUrl, String commit, String contextDir,
        String gitSecret, Strategy strategy, String dockerfile, String image, String pushSecret, String buildKey, long timeoutSeconds, String rebuild) {

    /** A build under no {@code kiln.dev/rebuild} value, the first of its key. */
    public KanikoBuild(String functionName, String namespace, String functionUid, String gitUrl, String commit, String contextDir,
            String gitSecret, Strategy strategy, String dockerfile, String image, String pushSecret, String buildKey, long timeoutSeconds) {
        this(functionName, namespace, functionUid, gitUrl, commit, contextDir, gitSecret, strategy, dockerfile, image, pushSecret, buildKey,
                timeoutSeconds, null);
    }

    /** @return the tag the build pushes: the commit's first 12 characters */
    public String destination() {
        return image + ":" + commit.substring(0, 12);
    }
}
