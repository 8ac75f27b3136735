package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.contract.Labels;
import dev.kiln.controller.Owners;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Knative Service a Function runs as: a pure function of the Function and the image digest it was built into,
 * golden-tested. Scale settings become the revision template's autoscaling annotations (Knative reads them there,
 * not on the Service), so changing them rolls a new revision, as in Knative.
 */
public final class KnativeServices {

    /** Knative's autoscaling annotations. */
    static final String MIN_SCALE = "autoscaling.knative.dev/min-scale";
    static final String MAX_SCALE = "autoscaling.knative.dev/max-scale";
    static final String TARGET = "autoscaling.knative.dev/target";
    static final String RETENTION = "autoscaling.knative.dev/scale-to-zero-pod-retention-period";
    /** The commit the revision runs, for people reading the revision. */
    /** The container's name. */
    static final String CONTAINER = "function";

    private KnativeServices() {
    }

    /**
     * @param function the Function, defaults applied
     * @param image the image pinned by digest ({@code repo@sha256:...})
     * @param commit the commit the image was built from
     * @return the Knative Service
     */
    public static Service desired(Function function, String image, String commit) {
        FunctionSpec spec = function.getSpec();
        String name = function.getMetadata().getName();
        Map<String, String> labels = Labels.managed(null);
        labels.put(Labels.FUNCTION, name);

        Map<String, String> annotations = new LinkedHashMap<>();
        ScaleSpec scale = spec.scale == null ? new ScaleSpec() : spec.scale;
        annotations.put(MIN_SCALE, String.valueOf(scale.min == null ? 0 : scale.min));
        if (scale.max != null) {
            annotations.put(MAX_SCALE, String.valueOf(scale.max));
        }
        annotations.put(TARGET, String.valueOf(scale.target == null ? FunctionDefaults.TARGET : scale.target));
        annotations.put(RETENTION, scale.retention == null ? FunctionDefaults.RETENTION : scale.retention);
        annotations.put(Labels.COMMIT, commit);

        Container container = new ContainerBuilder().withName(CONTAINER).withImage(image)
                .addNewPort().withName("http1").withContainerPort(8080).endPort()
                .withEnv(spec.env)
                .withResources(spec.resources)
                // The SDK answers readiness only after its warm-up event went through; Knative fills in the port.
                .withNewReadinessProbe().withNewHttpGet().withPath("/health/readiness").endHttpGet().endReadinessProbe()
                .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false).endSecurityContext()
                .build();

        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(function.getMetadata().getNamespace()).withLabels(labels)
                .withOwnerReferences(Owners.controllerOf(function)).endMetadata()
                .withNewSpec().withNewTemplate()
                .withNewMetadata().withLabels(Map.of(Labels.FUNCTION, name)).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withContainerConcurrency(scale.containerConcurrency == null ? null : scale.containerConcurrency.longValue())
                .withTimeoutSeconds(spec.timeoutSeconds == null ? (long) FunctionDefaults.TIMEOUT_SECONDS : spec.timeoutSeconds.longValue())
                .withContainers(container)
                .endSpec().endTemplate().endSpec().build();
    }

    /**
     * @param existing the Service in the cluster
     * @param desired what it should be
     * @return true when the parts Kiln owns differ (Knative and webhooks add defaults Kiln must not fight over)
     */
    public static boolean differs(Service existing, Service desired) {
        return !java.util.Objects.equals(existing.getSpec() == null ? null : existing.getSpec().getTemplate(), desired.getSpec().getTemplate())
                || !java.util.Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels());
    }
}
