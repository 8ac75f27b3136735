package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.FunctionLifecycle;
import io.fabric8.knative.pkg.apis.Condition;
import io.fabric8.knative.serving.v1.Service;

/** Reads a Knative Service's Ready condition, URL and address into a Function's status. */
final class KnativeServiceReadiness {

    private KnativeServiceReadiness() {
    }

    static void propagate(Service service, FunctionLifecycle life) {
        Condition ready = service.getStatus() == null || service.getStatus().getConditions() == null ? null
                : service.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        if (ready == null || "Unknown".equals(ready.getStatus())) {
            life.markServiceUnknown(ready == null || ready.getReason() == null ? FunctionLifecycle.REASON_DEPLOYING : ready.getReason(),
                    ready == null || ready.getMessage() == null ? "waiting for Knative Service " + service.getMetadata().getName() + " to be ready"
                            : ready.getMessage());
        } else if ("True".equals(ready.getStatus())) {
            String address = service.getStatus().getAddress() == null ? null : service.getStatus().getAddress().getUrl();
            life.markServiceReady(service.getStatus().getUrl(), address);
        } else {
            life.markServiceFailed(ready.getReason() == null ? "ServiceFailed" : ready.getReason(),
                    ready.getMessage() == null ? "Knative Service " + service.getMetadata().getName() + " is not ready" : ready.getMessage());
        }
    }
}
