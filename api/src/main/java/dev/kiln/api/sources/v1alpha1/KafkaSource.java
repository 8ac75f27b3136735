package dev.kiln.api.sources.v1alpha1;

import dev.kiln.api.KilnResource;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Records of Kafka topics as CloudEvents, at least once: offsets are committed only after the sink (or the
 * dead-letter sink) accepted the event. CloudEvent records pass through; others map as Knative's KafkaSource.
 */
@Group(Sources.GROUP)
@Version(Sources.VERSION)
@Kind("KafkaSource")
@Plural("kafkasources")
@Categories({"all", "kiln", "sources"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Sink", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.sinkUri")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class KafkaSource extends CustomResource<KafkaSourceSpec, SourceStatus> implements Namespaced, KilnResource {

    @Override
    protected KafkaSourceSpec initSpec() {
        return new KafkaSourceSpec();
    }

    @Override
    protected SourceStatus initStatus() {
        return new SourceStatus();
    }

    @Override
    public void applyDefaults() {
        KafkaSourceDefaults.apply(this);
    }

    @Override
    public FieldErrors validate(ValidationPolicy policy) {
        return KafkaSourceValidation.validate(this);
    }
}
