package dev.kiln.eventing.filter;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.api.validation.FieldErrors;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilterBuilder;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import io.fabric8.knative.eventing.v1.TriggerSpecBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * CESQL filter compilation on expressions nobody checked (a Trigger's {@code filters[].cesql}). Contract: the
 * expression compiles, or the Trigger gets a validation error; never another exception. A compiled filter then
 * evaluates an event without throwing (an evaluation error is "no match").
 */
class CesqlFuzz {

    static final CloudEvent EVENT = CloudEventBuilder.v1().withId("1").withSource(URI.create("/fuzz")).withType("dev.kiln.fuzz")
            .withSubject("s").withExtension("n", 42).withExtension("b", true).withData("application/json", "{}".getBytes(StandardCharsets.UTF_8))
            .build();

    @DictionaryEntries({"type", "source", "subject", "id", "time", "n", "b", "=", "!=", "<>", "<", ">=", "+", "-", "*", "/", "%",
        " AND ", " OR ", " XOR ", "NOT ", " LIKE ", " IN (", "EXISTS ", "TRUE", "FALSE", "'", "\"", "(", ")", ",", "%",
        "CONCAT(", "LENGTH(", "LOWER(", "UPPER(", "TRIM(", "SUBSTRING(", "ABS(", "INT(", "BOOL(", "STRING(", "IS_INT(", "9223372036854775807"})
    @FuzzTest
    void compilesOrReportsAValidationError(FuzzedDataProvider data) {
        String expression = data.consumeRemainingAsString();
        TriggerSpec spec = new TriggerSpecBuilder().withBroker("default")
                .withFilters(new SubscriptionsAPIFilterBuilder().withCesql(expression).build()).build();
        FieldErrors errors = new FieldErrors();
        EventFilter filter = TriggerFilters.compile(spec, errors);
        if (errors.isEmpty()) {
            filter.evaluate(EVENT);
        }
    }
}
