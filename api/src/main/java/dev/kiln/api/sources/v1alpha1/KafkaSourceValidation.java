package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of a KafkaSource: every error, each with its field path. */
public final class KafkaSourceValidation {

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):([0-9]{1,5})");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private KafkaSourceValidation() {
    }

    /**
     * @param source the source to check
     * @return every error found
     */
    public static FieldErrors validate(KafkaSource source) {
        KafkaSourceSpec spec = source.getSpec();
        FieldErrors errors = SourceValidation.common(source, spec);
        if (spec == null) {
            return errors;
        }
        if (spec.bootstrapServers == null || spec.bootstrapServers.isEmpty()) {
            errors.add("spec.bootstrapServers", "must list at least one host:port");
        } else {
            for (int i = 0; i < spec.bootstrapServers.size(); i++) {
                var m = spec.bootstrapServers.get(i) == null ? null : HOST_PORT.matcher(spec.bootstrapServers.get(i));
                if (m == null || !m.matches() || Integer.parseInt(m.group(3)) < 1 || Integer.parseInt(m.group(3)) > 65535) {
                    errors.add("spec.bootstrapServers[" + i + "]", "must be host:port with a port from 1 to 65535");
                }
            }
        }
        if (spec.topics == null || spec.topics.isEmpty()) {
            errors.add("spec.topics", "must list at least one topic");
        } else {
            for (int i = 0; i < spec.topics.size(); i++) {
                String t = spec.topics.get(i);
                if (t == null || !TOPIC.matcher(t).matches() || t.equals(".") || t.equals("..")) {
                    errors.add("spec.topics[" + i + "]", "must be a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'");
                }
            }
        }
        if (spec.consumerGroup != null && spec.consumerGroup.isBlank()) {
            errors.add("spec.consumerGroup", "must not be blank; leave it out to use the default");
        }
        Checks.oneOf(errors, "spec.initialOffset", spec.initialOffset,
                Set.of(KafkaSourceSpec.EARLIEST, KafkaSourceSpec.LATEST), "earliest or latest");
        Checks.oneOf(errors, "spec.ordering", spec.ordering,
                Set.of(KafkaSourceSpec.ORDERED, KafkaSourceSpec.UNORDERED), "ordered or unordered");
        Checks.oneOf(errors, "spec.keyType", spec.keyType,
                Set.of("string", "int", "float", "byte-array"), "string, int, float or byte-array");
        Checks.delivery(errors, "spec.delivery", spec.delivery, SourceValidation.namespace(source));
        if (spec.delivery != null && dev.kiln.api.duck.DeliverySpec.LINEAR.equals(spec.delivery.backoffPolicy)) {
            // The adapter backs off exponentially only; accepting linear would retry on another schedule than asked.
            errors.add("spec.delivery.backoffPolicy", "linear is not supported by the Kafka adapter: use exponential");
        }
        return errors;
    }
}
