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

/** A CloudEvent on a cron schedule, shaped as Knative's PingSource events ({@code dev.knative.sources.ping}). */
@Group(Sources.GROUP)
@Version(Sources.VERSION)
@Kind("CronSource")
@Plural("cronsources")
@Categories({"all", "kiln", "sources"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Sink", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.sinkUri")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class CronSource extends CustomResource<CronSourceSpec, SourceStatus> implements Namespaced, KilnResource {

    /** CloudEvent type of every tick, as PingSource's. */
    public static final String EVENT_TYPE = "dev.knative.sources.ping";

    @Override
    protected CronSourceSpec initSpec() {
        return new CronSourceSpec();
    }

    @Override
    protected SourceStatus initStatus() {
        return new SourceStatus();
    }

    @Override
    public void applyDefaults() {
        SourceDefaults.apply(this, getSpec());
        if (getSpec() != null) {
            if (getSpec().schedule == null) {
                getSpec().schedule = CronSourceSpec.DEFAULT_SCHEDULE;
            }
            if (getSpec().timezone == null) {
                getSpec().timezone = CronSourceSpec.DEFAULT_TIMEZONE;
            }
        }
    }

    @Override
    public FieldErrors validate(ValidationPolicy policy) {
        return CronSourceValidation.validate(this);
    }
}
