package dev.kiln.api.functions.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * What Knative Serving's validating webhook ({@code validation.webhook.serving.knative.dev}) refuses, at its default
 * {@code config-features}, in the parts of a Function that Kiln copies into the Knative Service: its name, the
 * container's {@code env} and {@code resources}. Kiln refuses them first, with the Function's own field paths, because a
 * refusal of the Knative Service comes only after a build, and names the Service's paths, not the Function's.
 *
 * <p>Read in knative/serving at {@code knative-v1.22.0} (and unchanged at HEAD 98e5ef9):
 * <ul>
 * <li>{@code pkg/apis/serving/v1/service_validation.go} {@code Service.Validate} →
 *     {@code pkg/apis/serving/metadata_validation.go} → knative.dev/pkg {@code apis/metadata_validation.go}
 *     {@code ValidateObjectMetadata}: the name must pass {@code NameIsDNS1035Label} ("not a DNS 1035 label").</li>
 * <li>{@code pkg/apis/serving/k8s_validation.go} {@code validateEnvValueFrom} checks a {@code valueFrom} against
 *     {@code fieldmask.go}'s {@code EnvVarSourceMask}: {@code configMapKeyRef} and {@code secretKeyRef} always,
 *     {@code fieldRef} and {@code resourceFieldRef} only when {@code kubernetes.podspec-fieldref} is not
 *     {@code Disabled}, which {@code pkg/apis/config/features.go}'s {@code defaultFeaturesConfig} makes it; no flag
 *     allows {@code fileKeyRef}. Anything else: "must not set the field(s)".</li>
 * <li>{@code validateResources} checks {@code resources} against {@code ResourceRequirementsMask}: {@code limits}
 *     and {@code requests} only, so {@code claims} is refused.</li>
 * </ul>
 * Local mode has no pod to take the Downward API from either, so the rules are the same in both modes.
 */
final class KnativeAdmission {

    /** Knative Serving's feature flag that would allow {@code fieldRef} and {@code resourceFieldRef}. */
    static final String FIELD_REF_FLAG = "kubernetes.podspec-fieldref";

    private KnativeAdmission() {
    }

    /** The Function's name names the Knative Service, which Knative takes only as a DNS-1035 label. */
    static void name(FieldErrors errors, String name) {
        Checks.dns1035Label(errors, "metadata.name", name, "Knative Serving names the function's Service after it");
    }

    /**
     * @param path the env var's {@code valueFrom} path, e.g. {@code spec.env[0].valueFrom}
     * @param from the env var's {@code valueFrom}, or null
     * @return whether a source was refused
     */
    static boolean envSource(FieldErrors errors, String path, EnvVarSource from) {
        if (from == null) {
            return false;
        }
        String downward = "is not supported: Knative Serving refuses it unless its cluster enables " + FIELD_REF_FLAG
                + " (off by default), and local mode has no pod to read it from";
        if (from.getFieldRef() != null) {
            errors.add(path + ".fieldRef", downward);
        }
        if (from.getResourceFieldRef() != null) {
            errors.add(path + ".resourceFieldRef", downward);
        }
        if (from.getFileKeyRef() != null) {
            errors.add(path + ".fileKeyRef", "is not supported: Knative Serving takes only configMapKeyRef and secretKeyRef");
        }
        return from.getFieldRef() != null || from.getResourceFieldRef() != null || from.getFileKeyRef() != null;
    }

    /** @param resources the container's resources, or null */
    static void resources(FieldErrors errors, ResourceRequirements resources) {
        if (resources != null && resources.getClaims() != null && !resources.getClaims().isEmpty()) {
            errors.add("spec.resources.claims", "is not supported: Knative Serving takes only limits and requests");
        }
    }
}
