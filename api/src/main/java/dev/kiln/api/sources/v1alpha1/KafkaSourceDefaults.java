package dev.kiln.api.sources.v1alpha1;

/** Defaults of a KafkaSource, applied in memory; idempotent. */
public final class KafkaSourceDefaults {

    /** Default key type. */
    public static final String KEY_TYPE = "string";

    private KafkaSourceDefaults() {
    }

    /**
     * Applies the defaults. The consumer group is derived from the source's identity (not a random UUID as
     * in Knative) so that defaulting stays pure and a restarted adapter resumes from its offsets.
     *
     * @param source the source to complete
     */
    public static void apply(KafkaSource source) {
        KafkaSourceSpec spec = source.getSpec();
        if (spec == null) {
            return;
        }
        SourceDefaults.apply(source, spec);
        if (spec.consumerGroup == null && source.getMetadata() != null) {
            String ns = source.getMetadata().getNamespace() == null ? "default" : source.getMetadata().getNamespace();
            spec.consumerGroup = "kiln-kafka-source." + ns + "." + source.getMetadata().getName();
        }
        if (spec.initialOffset == null) {
            spec.initialOffset = KafkaSourceSpec.LATEST;
        }
        if (spec.ordering == null) {
            spec.ordering = KafkaSourceSpec.ORDERED;
        }
        if (spec.keyType == null) {
            spec.keyType = KEY_TYPE;
        }
    }
}
