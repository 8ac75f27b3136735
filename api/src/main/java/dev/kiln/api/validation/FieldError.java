package dev.kiln.api.validation;

/**
 * One thing wrong with a resource, at one field.
 *
 * @param path the field path, e.g. {@code spec.source.git.url} or {@code spec.env[2].name}
 * @param message what is wrong, phrased so the fix is obvious
 */
public record FieldError(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
