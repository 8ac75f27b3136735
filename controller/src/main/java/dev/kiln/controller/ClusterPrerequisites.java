package dev.kiln.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * What the cluster must serve before the controller can run, said in one line when it does not: without Knative
 * Serving the operator's informer on Knative Services cannot start, the Java Operator SDK stops on it, and the
 * controller exits and restarts with only a stack trace to say why.
 */
public final class ClusterPrerequisites {

    /** The Knative Serving release Kiln is tested with ({@code hack/kind-e2e}). */
    public static final String KNATIVE_SERVING_TESTED = "knative-v1.22.0";

    /** What the log says when Knative Serving is missing. */
    static final String KNATIVE_SERVING_MISSING = "Knative Serving is not installed: the API server serves no services.serving.knative.dev/v1,"
            + " so the controller cannot watch Knative Services and will stop; install Knative Serving first (tested: "
            + KNATIVE_SERVING_TESTED + ", which needs Kubernetes 1.34 or later), then restart the controller";

    private ClusterPrerequisites() {
    }

    /**
     * @param client the controller's client
     * @return the line to log when Knative Serving is not installed; empty when it is, or when the API server cannot
     *     be asked (the operator's own start then says what is wrong)
     */
    public static Optional<String> knativeServingMissing(KubernetesClient client) {
        try {
            // Discovery, as kubectl api-resources: every authenticated user may read it (system:discovery).
            var served = client.getApiResources("serving.knative.dev/v1");
            boolean services = served != null && served.getResources().stream().anyMatch(r -> "services".equals(r.getName()));
            return services ? Optional.empty() : Optional.of(KNATIVE_SERVING_MISSING);
        } catch (KubernetesClientException e) {
            return e.getCode() == 404 ? Optional.of(KNATIVE_SERVING_MISSING) : Optional.empty();
        }
    }
}
