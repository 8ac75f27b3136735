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
    private final String source;
    private final String path;

    Cesql(Expression expression, String source, String path) {
        this.expression = expression;
        this.source = source;
        this.path = path;
    }

    @Override
    public FilterResult evaluate(CloudEvent event) {
        Result result = expression.evaluate(event);
        return FilterResult.of(!result.isFailed() && Boolean.TRUE.equals(result.value()));
    }

    @Override
    public String explain(CloudEvent event) {
        Result result = expression.evaluate(event);
        if (result.isFailed()) {
            return path + ": " + source + " failed to evaluate (no match): " + result.causes().stream()
                    .map(Throwable::getMessage).reduce((a, b) -> a + "; " + b).orElse("an evaluation error");
        }
        return path + ": " + source + " is " + result.value();
    }
}
