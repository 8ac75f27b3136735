package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Validation that every source shares: its name, sink and CloudEvent overrides. */
final class SourceValidation {

    private SourceValidation() {
    }

    /** Starts a source's validation; returns null when there is no spec to look into. */
    static FieldErrors common(HasMetadata source, SourceSpec spec) {
        FieldErrors errors = new FieldErrors();
        Checks.dnsLabel(errors, "metadata.name", source.getMetadata() == null ? null : source.getMetadata().getName());
        if (spec == null) {
            errors.missing("spec");
            return errors;
        }
        Checks.destination(errors, "spec.sink", spec.sink, namespace(source));
        Checks.ceOverrides(errors, "spec.ceOverrides", spec.ceOverrides);
        return errors;
    }

    /** @return the source's namespace, or null when it has none yet (a manifest read outside a cluster) */
    static String namespace(HasMetadata source) {
        return source.getMetadata() == null ? null : source.getMetadata().getNamespace();
    }
}
