package dev.kiln.api.sources.v1alpha1;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Defaults that every source shares. */
final class SourceDefaults {

    private SourceDefaults() {
    }

    /** A sink reference without a namespace points into the source's own namespace, as in Knative. */
    static void apply(HasMetadata source, SourceSpec spec) {
        if (spec != null && spec.sink != null && spec.sink.ref != null && spec.sink.ref.namespace == null
                && source.getMetadata() != null) {
            spec.sink.ref.namespace = source.getMetadata().getNamespace();
        }
    }
}
