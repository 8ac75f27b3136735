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
 * GitLab webhook deliveries as CloudEvents: token checked, then sent to the sink with the original body as
 * data and Knative GitLabSource's types.
 */
@Group(Sources.GROUP)
@Version(Sources.VERSION)
@Kind("GitLabSource")
@Plural("gitlabsources")
@Categories({"all", "kiln", "sources"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Sink", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.sinkUri")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class GitLabSource extends CustomResource<GitLabSourceSpec, WebhookSourceStatus> implements Namespaced, KilnResource {

    @Override
    protected GitLabSourceSpec initSpec() {
        return new GitLabSourceSpec();
    }

    @Override
    protected WebhookSourceStatus initStatus() {
        return new WebhookSourceStatus();
    }

    @Override
    public void applyDefaults() {
        SourceDefaults.apply(this, getSpec());
    }

    @Override
    public FieldErrors validate(ValidationPolicy policy) {
        return GitLabSourceValidation.validate(this, policy);
    }
}
