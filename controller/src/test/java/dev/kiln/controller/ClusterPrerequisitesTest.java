package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** The one line the controller logs before it stops on a cluster without Knative Serving, and only then. */
class ClusterPrerequisitesTest {

    @Test
    void aClusterWithoutKnativeServingIsSaidInOneLine() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = server.createClient()) {
            MockCluster.installCrds(client); // Kiln's own, not Knative's
            assertThat(ClusterPrerequisites.knativeServingMissing(client)).hasValueSatisfying(line -> assertThat(line)
                    .startsWith("Knative Serving is not installed: the API server serves no services.serving.knative.dev/v1")
                    .contains("knative-v1.22.0").doesNotContain("\n"));
        } finally {
            server.destroy();
        }
    }

    /** The version the log line names is the one the real-cluster kit installs, and the one the README states. */
    @Test
    void theTestedKnativeIsTheKitsAndTheReadmesAndNeedsTheKubernetesTheReadmeStates() throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of("..").toAbsolutePath().normalize();
        String kit = java.nio.file.Files.readString(root.resolve("hack/kind-e2e"));
        assertThat(kit).contains("KNATIVE_SERVING_VERSION=\"${KNATIVE_SERVING_VERSION:-" + ClusterPrerequisites.KNATIVE_SERVING_TESTED + "}\"");
        String readme = java.nio.file.Files.readString(root.resolve("README.md"));
        assertThat(readme).contains("Knative Serving " + ClusterPrerequisites.KNATIVE_SERVING_TESTED.substring("knative-v".length(), "knative-v1.22".length()))
                .contains("Kubernetes 1.34").contains("Kubernetes 1.26");
    }

    @Test
    void aClusterWithKnativeServingSaysNothing() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            assertThat(ClusterPrerequisites.knativeServingMissing(cluster.controllerClient())).isEmpty();
            assertThat(cluster.denied()).as("discovery is every authenticated user's").isEmpty();
        }
    }
}
