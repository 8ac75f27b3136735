package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One aspect of a resource's state, as Knative reports it: a type, a tri-state status, a CamelCase
 * reason and a human message. {@code lastTransitionTime} moves only when {@code status} changes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

    /** Status value of a condition that holds. */
    public static final String TRUE = "True";
    /** Status value of a condition that does not hold. */
    public static final String FALSE = "False";
    /** Status value of a condition whose outcome is not known yet. */
    public static final String UNKNOWN = "Unknown";

    /** Type of the condition, e.g. {@code Ready} or {@code BuildSucceeded}. */
    public String type;

    /** Status of the condition: {@code True}, {@code False} or {@code Unknown}. */
    public String status;

    /** One-word CamelCase reason for the last transition, e.g. {@code InvalidSpec}. */
    public String reason;

    /** Human-readable message saying what happened and what to do next. */
    public String message;

    /** When the status last changed, as an RFC 3339 timestamp in UTC. */
    public String lastTransitionTime;

    /** Creates an empty condition, for Jackson. */
    public Condition() {
    }

    /**
     * Creates a condition.
     *
     * @param type the condition type
     * @param status {@link #TRUE}, {@link #FALSE} or {@link #UNKNOWN}
     * @param reason CamelCase reason, may be null
     * @param message human message, may be null
     * @param lastTransitionTime RFC 3339 time of the last status change
     */
    public Condition(String type, String status, String reason, String message, String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
    }

    /** @return whether the status is {@code True} */
    @JsonIgnore
    public boolean isTrue() {
        return TRUE.equals(status);
    }

    /** @return whether the status is {@code False} */
    @JsonIgnore
    public boolean isFalse() {
        return FALSE.equals(status);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c
                && Objects.equals(type, c.type)
                && Objects.equals(status, c.status)
                && Objects.equals(reason, c.reason)
                && Objects.equals(message, c.message)
                && Objects.equals(lastTransitionTime, c.lastTransitionTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, reason, message, lastTransitionTime);
    }

    @Override
    public String toString() {
        return type + "=" + status + (reason == null ? "" : " (" + reason + ": " + message + ")");
    }
}
