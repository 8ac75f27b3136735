package dev.kiln.api.functions.v1alpha1;

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
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A function kept in Git. Kiln resolves its revision to a commit, builds the commit into an image and
 * runs the image as a Knative Service pinned to the image digest; a push to the tracked branch starts
 * the cycle again.
 */
@Group(Function.GROUP)
@Version(Function.VERSION)
@Kind(Function.KIND)
@Plural("functions")
@ShortNames("kfn")
@Categories({"all", "kiln"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "URL", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.url")
@AdditionalPrinterColumn(name = "Commit", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.commit")
@AdditionalPrinterColumn(name = "Image", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.image",
        priority = 1)
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
public class Function extends CustomResource<FunctionSpec, FunctionStatus> implements Namespaced, KilnResource {

    /** API group of the Function kind. */
    public static final String GROUP = "kiln.dev";
    /** API version of the Function kind. */
    public static final String VERSION = "v1alpha1";
    /** Kind name. */
    public static final String KIND = "Function";
    /** {@code apiVersion} as written in manifests. */
    public static final String API_VERSION = GROUP + "/" + VERSION;

    @Override
    protected FunctionSpec initSpec() {
        return new FunctionSpec();
    }

    @Override
    protected FunctionStatus initStatus() {
        return new FunctionStatus();
    }

    @Override
    public void applyDefaults() {
        FunctionDefaults.apply(this);
    }

    @Override
    public FieldErrors validate(ValidationPolicy policy) {
        return FunctionValidation.validate(this, policy);
    }
}
