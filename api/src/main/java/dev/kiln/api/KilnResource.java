package dev.kiln.api;

import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What the controller and {@code kiln dev} need from every Kiln kind: defaults applied in memory and a
 * validation that reports every error with its field path.
 */
// Jackson finds class annotations on a type's own interfaces before its superclass: without this, HasMetadata's
// KubernetesResource (@JsonDeserialize(using = KubernetesDeserializer.class)) would win over CustomResource's "None",
// and fabric8's polymorphic deserializer would call itself for every Kiln kind until the stack overflowed.
@JsonDeserialize(using = JsonDeserializer.None.class)
public interface KilnResource extends HasMetadata {

    /** Fills unset fields with their defaults, in memory. Applying twice changes nothing more. */
    void applyDefaults();

    /**
     * Validates the resource as it is (call {@link #applyDefaults()} first to validate what will run).
     *
     * @param policy what the place it runs in allows: {@link ValidationPolicy#LOCAL} for {@code kiln dev}, the
     *     installation's for a cluster (only Functions have rules that depend on it)
     * @return every error found; empty when the resource is valid
     */
    FieldErrors validate(ValidationPolicy policy);
}
