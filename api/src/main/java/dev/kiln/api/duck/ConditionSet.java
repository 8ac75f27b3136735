package dev.kiln.api.duck;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A "living" condition set, as in knative.dev/pkg: {@code Ready} is derived from a fixed list of
 * dependent conditions. It is {@code False} as soon as one dependent is {@code False} (with that
 * dependent's reason and message), {@code True} when every dependent is {@code True}, and
 * {@code Unknown} otherwise. A condition's {@code lastTransitionTime} changes only when its status does.
 */
public final class ConditionSet {

    /** The happy condition of every living resource. */
    public static final String READY = "Ready";

    private final List<String> dependents;

    private ConditionSet(List<String> dependents) {
        this.dependents = List.copyOf(dependents);
    }

    /**
     * Creates a set whose {@code Ready} depends on the given conditions, in this order.
     *
     * @param dependents the dependent condition types
     * @return the condition set
     */
    public static ConditionSet living(String... dependents) {
        return new ConditionSet(List.of(dependents));
    }

    /** @return the dependent condition types, in order */
    public List<String> dependents() {
        return dependents;
    }

    /**
     * Returns a manager that reads and writes the conditions of a status.
     *
     * @param status the status to manage
     * @param clock the clock for {@code lastTransitionTime}
     * @return the manager
     */
    public Manager manage(Status status, Clock clock) {
        return new Manager(status, clock);
    }

    /** Reads and writes one status's conditions under this set's rules. */
    public final class Manager {
        private final Status status;
        private final Clock clock;

        private Manager(Status status, Clock clock) {
            this.status = Objects.requireNonNull(status, "status");
            this.clock = Objects.requireNonNull(clock, "clock");
            if (status.conditions == null) {
                status.conditions = new ArrayList<>();
            }
        }

        /** Adds every missing condition as {@code Unknown}, leaving existing ones untouched. */
        public void initialize() {
            for (String type : dependents) {
                if (status.condition(type).isEmpty()) {
                    set(type, Condition.UNKNOWN, null, null);
                }
            }
            if (status.condition(READY).isEmpty()) {
                set(READY, Condition.UNKNOWN, null, null);
            }
        }

        /**
         * Marks a condition {@code True} (no reason, no message) and re-derives {@code Ready}.
         *
         * @param type the condition type
         */
        public void markTrue(String type) {
            mark(type, Condition.TRUE, null, null);
        }

        /**
         * Marks a condition {@code False} and re-derives {@code Ready}. Marking {@code Ready} itself
         * sets it directly, e.g. for an invalid spec.
         *
         * @param type the condition type
         * @param reason CamelCase reason
         * @param message what happened and what to do next
         */
        public void markFalse(String type, String reason, String message) {
            mark(type, Condition.FALSE, reason, message);
        }

        /**
         * Marks a condition {@code Unknown}, e.g. while a build runs, and re-derives {@code Ready}.
         *
         * @param type the condition type
         * @param reason CamelCase reason
         * @param message what is in progress
         */
        public void markUnknown(String type, String reason, String message) {
            mark(type, Condition.UNKNOWN, reason, message);
        }

        /**
         * @param type the condition type
         * @return the condition, if present
         */
        public Optional<Condition> get(String type) {
            return status.condition(type);
        }

        /** @return whether {@code Ready} is {@code True} */
        public boolean isHappy() {
            return status.ready();
        }

        private void mark(String type, String value, String reason, String message) {
            set(type, value, reason, message);
            if (!READY.equals(type)) {
                deriveReady();
            }
        }

        private void deriveReady() {
            Condition firstFalse = null;
            Condition firstNotTrue = null;
            for (String type : dependents) {
                Condition c = status.condition(type).orElse(null);
                if (c != null && c.isFalse()) {
                    firstFalse = c;
                    break;
                }
                if (firstNotTrue == null && (c == null || !c.isTrue())) {
                    firstNotTrue = c == null ? new Condition(type, Condition.UNKNOWN, null, null, null) : c;
                }
            }
            if (firstFalse != null) {
                set(READY, Condition.FALSE, firstFalse.reason, firstFalse.message);
            } else if (firstNotTrue != null) {
                set(READY, Condition.UNKNOWN, firstNotTrue.reason, firstNotTrue.message);
            } else {
                set(READY, Condition.TRUE, null, null);
            }
        }

        private void set(String type, String value, String reason, String message) {
            Optional<Condition> existing = status.condition(type);
            if (existing.isPresent()) {
                Condition c = existing.get();
                if (!value.equals(c.status)) {
                    c.lastTransitionTime = now();
                }
                c.status = value;
                c.reason = reason;
                c.message = message;
                return;
            }
            status.conditions.add(new Condition(type, value, reason, message, now()));
            // Keep a stable order (dependents, then Ready) so status diffs stay small and readable.
            status.conditions.sort((a, b) -> Integer.compare(rank(a.type), rank(b.type)));
        }

        private int rank(String type) {
            int i = dependents.indexOf(type);
            return i >= 0 ? i : READY.equals(type) ? dependents.size() : dependents.size() + 1;
        }

        private String now() {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        }
    }
}
