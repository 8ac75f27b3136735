package dev.kiln.eventing.filter;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.Result;

/**
 * The {@code cesql} dialect, on the CloudEvents SDK's CESQL engine: parsed once when the Trigger is
 * compiled; at delivery an evaluation error or a result that is not {@code true} is no match.
 */
final class Cesql implements EventFilter {

    private final Expression expression;

    Cesql(Expression expression) {
        this.expression = expression;
    }

    @Override
    public FilterResult evaluate(CloudEvent event) {
        Result result = expression.evaluate(event);
        return FilterResult.of(!result.isFailed() && Boolean.TRUE.equals(result.value()));
    }
}
