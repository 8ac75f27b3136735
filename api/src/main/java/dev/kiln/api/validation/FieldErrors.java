package dev.kiln.api.validation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error found in one resource. Validation never stops at the first problem: a user fixes all of
 * them in one edit.
 */
public final class FieldErrors {

    private final List<FieldError> errors = new ArrayList<>();

    /**
     * Records an error.
     *
     * @param path the field path
     * @param message what is wrong
     * @return this, for chaining
     */
    public FieldErrors add(String path, String message) {
        errors.add(new FieldError(path, message));
        return this;
    }

    /**
     * Records an error for a required field that is missing.
     *
     * @param path the field path
     * @return this, for chaining
     */
    public FieldErrors missing(String path) {
        return add(path, "is required");
    }

    /** @return whether no error was recorded */
    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** @return the errors, in the order found */
    public List<FieldError> list() {
        return Collections.unmodifiableList(errors);
    }

    /** @return the field paths of the errors, in the order found */
    public List<String> paths() {
        return errors.stream().map(FieldError::path).collect(Collectors.toList());
    }

    /** @return every error on one line, as a condition message: {@code a.b: msg; c: msg} */
    public String summary() {
        return errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return summary();
    }
}
