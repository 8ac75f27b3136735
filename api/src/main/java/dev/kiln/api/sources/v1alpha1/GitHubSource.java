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
 * GitHub webhook deliveries as CloudEvents: signature checked, then sent to the sink with the original
 * body as data and Knative GitHubSource's types, so existing Triggers keep working.
 */
@Group(Sources.GROUP)
@Version(Sources.VERSION)
@Kind("GitHubSource")
@Plural("githubsources")
@Categories({"all", "kiln", "sources"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Sink", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.sinkUri")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class GitHubSource extends CustomResource<GitHubSourceSpec, WebhookSourceStatus> implements Namespaced, KilnResource {

    @Override
    protected GitHubSourceSpec initSpec() {
        return new GitHubSourceSpec();
    }

    @Override
    protected WebhookSourceStatus initStatus() {
        return new WebhookSourceStatus();
    }

    @Override
    public void applyDefaults() {
        SourceDefaults.apply(this, getSpec());
        if (getSpec() != null && getSpec().githubAPIURL == null) {
            getSpec().githubAPIURL = GitHubSourceSpec.DEFAULT_API_URL;
        }
    }

    @Override
    public FieldErrors validate(ValidationPolicy policy) {
        return GitHubSourceValidation.validate(this, policy);
    }
}
