package dev.kiln.api.duck;

import java.util.List;
import java.util.stream.Collectors;

/** Renders a status's conditions compactly for lifecycle tables: {@code A=True B=Unknown/Building Ready=Unknown/Building}. */
public final class Conditions {

    private Conditions() {
    }

    /**
     * @param status the status
     * @param order the condition types to show, in this order
     * @return each type as {@code Type=Status}, with {@code /Reason} when it has one
     */
    public static String render(Status status, List<String> order) {
        return order.stream().map(type -> status.condition(type)
                .map(c -> type + "=" + c.status + (c.reason == null ? "" : "/" + c.reason))
                .orElse(type + "=missing")).collect(Collectors.joining(" "));
    }
}
