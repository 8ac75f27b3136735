package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status every Kiln kind shares: the generation last acted upon and the conditions.
 * Clients treat a status as stale unless {@code observedGeneration} equals {@code metadata.generation}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Status {

    /** The {@code metadata.generation} that this status describes. */
    public Long observedGeneration;

    /** Conditions of the resource; {@code Ready} summarises all the others. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<Condition> conditions = new ArrayList<>();

    /**
     * Finds a condition by type.
     *
     * @param type the condition type
     * @return the condition, if present
     */
    public Optional<Condition> condition(String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.type)).findFirst();
    }

    /** @return whether {@code Ready} is {@code True} */
    public boolean ready() {
        return condition(ConditionSet.READY).map(Condition::isTrue).orElse(false);
    }
}
