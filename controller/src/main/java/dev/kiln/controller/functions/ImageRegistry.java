package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.validation.ValidationPolicy;

/**
 * Where function images are pushed.
 *
 * @param policy the installation's policy: its registry, e.g. {@code registry.example.com/kiln}, under which images
 *     are {@code <registry>/<namespace>/<name>} unless {@code spec.build.image} names a repository below that (validation
 *     refuses any other)
 * @param defaultPushSecret the dockerconfigjson Secret used when a Function names none, or null
 */
public record ImageRegistry(ValidationPolicy policy, String defaultPushSecret) {

    /**
     * @param function the Function, validated against {@link #policy}
     * @return the image repository its builds push to
     */
    public String imageFor(Function function) {
        var build = function.getSpec().build;
        return build != null && build.image != null ? build.image
                : policy.functionRepository(function.getMetadata().getNamespace(), function.getMetadata().getName());
    }

    /**
     * @param function the Function
     * @return the push Secret, or null
     */
    public String pushSecretFor(Function function) {
        var build = function.getSpec().build;
        return build != null && build.pushSecretRef != null ? build.pushSecretRef.getName() : defaultPushSecret;
    }

    /**
     * @param function the Function
     * @return where its push Secret is named, as a status message says it: its own field or the installation's setting
     */
    public String pushSecretNamedBy(Function function) {
        var build = function.getSpec().build;
        return build != null && build.pushSecretRef != null ? "spec.build.pushSecretRef" : "KILN_BUILD_PUSH_SECRET in kiln-config";
    }
}
