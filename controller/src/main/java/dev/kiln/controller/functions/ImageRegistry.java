package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.Function;

/**
 * Where function images are pushed.
 *
 * @param prefix the registry and path, e.g. {@code registry.example.com/kiln}; images are
 *     {@code <prefix>/<namespace>/<name>} unless {@code spec.build.image} names one
 * @param defaultPushSecret the dockerconfigjson Secret used when a Function names none, or null
 */
public record ImageRegistry(String prefix, String defaultPushSecret) {

    /**
     * @param function the Function
     * @return the image repository its builds push to
     */
    public String imageFor(Function function) {
        var build = function.getSpec().build;
        return build != null && build.image != null ? build.image
                : prefix + "/" + function.getMetadata().getNamespace() + "/" + function.getMetadata().getName();
    }

    /**
     * @param function the Function
     * @return the push Secret, or null
     */
    public String pushSecretFor(Function function) {
        var build = function.getSpec().build;
        return build != null && build.pushSecretRef != null ? build.pushSecretRef.getName() : defaultPushSecret;
    }
}
