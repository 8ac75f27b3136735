package dev.kiln.api;

import dev.kiln.api.validation.FieldErrors;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What the controller and {@code kiln dev} need from every Kiln kind: defaults applied in memory and a
 * validation that reports every error with its field path.
 */
public interface KilnResource extends HasMetadata {

    /** Fills unset fields with their defaults, in memory. Applying twice changes nothing more. */
    void applyDefaults();

    /**
     * Validates the resource as it is (call {@link #applyDefaults()} first to validate what will run).
     *
     * @return every error found; empty when the resource is valid
     */
    FieldErrors validate();
}
