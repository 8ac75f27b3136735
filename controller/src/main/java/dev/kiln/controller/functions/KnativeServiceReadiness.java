package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.FunctionLifecycle;
import io.fabric8.knative.pkg.apis.Condition;
import io.fabric8.knative.serving.v1.Service;
import java.util.Objects;

/**
 * Reads a Knative Service's readiness, URL and address into a Function's status. The Service's {@code Ready} is
 * believed only when it describes the Service Kiln wrote: Knative has observed its generation
 * ({@code status.observedGeneration}), the revision it created for that generation is the one serving
 * ({@code latestCreatedRevisionName == latestReadyRevisionName}), and the template runs the Function's image. The
 * object an update returns still carries the previous revision's {@code Ready=True}, with an older observed
 * generation: that is "rolling out", not ready.
 */
final class KnativeServiceReadiness {

    private KnativeServiceReadiness() {
    }

    /**
     * @param service the Knative Service as last read or written
     * @param image the image the Function should be running
     * @param life the Function's lifecycle
     */
    static void propagate(Service service, String image, FunctionLifecycle life) {
        String name = service.getMetadata().getName();
        var status = service.getStatus();
        Long generation = service.getMetadata().getGeneration();
        if (status == null || status.getObservedGeneration() == null || !status.getObservedGeneration().equals(generation)) {
            life.markServiceUnknown(FunctionLifecycle.REASON_DEPLOYING, "waiting for Knative to observe generation " + generation
                    + " of Service " + name);
            return;
        }
        String running = service.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        if (!Objects.equals(running, image)) {
            life.markServiceUnknown(FunctionLifecycle.REASON_DEPLOYING, "Knative Service " + name + " runs " + running + ", not yet " + image);
            return;
        }
        Condition ready = status.getConditions() == null ? null
                : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        String created = status.getLatestCreatedRevisionName();
        String serving = status.getLatestReadyRevisionName();
        if (ready != null && "False".equals(ready.getStatus())) {
            life.markServiceFailed(ready.getReason() == null ? "ServiceFailed" : ready.getReason(),
                    ready.getMessage() == null ? "Knative Service " + name + " is not ready" : ready.getMessage());
        } else if (ready != null && "True".equals(ready.getStatus()) && created != null && created.equals(serving)) {
            String address = status.getAddress() == null ? null : status.getAddress().getUrl();
            life.markServiceReady(status.getUrl(), address);
        } else {
            String reason = ready == null || ready.getReason() == null || ready.getReason().isEmpty() ? FunctionLifecycle.REASON_DEPLOYING : ready.getReason();
            String rollout = created == null ? "waiting for Knative to create a revision of Service " + name
                    : "revision " + created + " of Knative Service " + name + " is not ready yet"
                            + (serving == null ? "" : " (" + serving + " serves meanwhile)");
            life.markServiceUnknown(reason, ready == null || ready.getMessage() == null || ready.getMessage().isEmpty() ? rollout
                    : rollout + ": " + ready.getMessage());
        }
    }
}
