package dev.kiln.controller.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.functions.v1alpha1.FunctionLifecycle;
import dev.kiln.api.functions.v1alpha1.FunctionStatus;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceBuilder;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Knative Service's status, as the Function's ServiceReady sees it: the readiness table. A Service is read as
 * ready only when Knative has observed its generation, the revision created for it is the one serving, and it runs
 * the Function's image.
 */
class KnativeServiceReadinessTest {

    static final String IMAGE = "registry.example.com/kiln/demo/greeter@sha256:" + "ab".repeat(32);
    static final String OLD_IMAGE = "registry.example.com/kiln/demo/greeter@sha256:" + "cd".repeat(32);

    /** A case: the Service's generation, what Knative reported, and the Function's ServiceReady. */
    record Case(long generation, Long observed, String created, String serving, String running, String ready, String reason, String message,
            String status, String expectedReason, String expectedMessage) {
    }

    static Stream<Arguments> readiness() {
        return Stream.of(
                Arguments.of("no status yet: Deploying", new Case(1, null, null, null, IMAGE, null, null, null,
                        "Unknown", "Deploying", "waiting for Knative to observe generation 1 of Service greeter")),
                Arguments.of("an update's response: the previous revision's Ready=True, an older generation", new Case(2, 1L, "greeter-00001",
                        "greeter-00001", IMAGE, "True", null, null, "Unknown", "Deploying", "waiting for Knative to observe generation 2 of Service greeter")),
                Arguments.of("observed, the new revision not ready: Knative's reason", new Case(2, 2L, "greeter-00002", "greeter-00001", IMAGE,
                        "Unknown", "TrafficNotMigrated", "Traffic is not yet migrated to the latest revision.", "Unknown", "TrafficNotMigrated",
                        "revision greeter-00002 of Knative Service greeter is not ready yet (greeter-00001 serves meanwhile): Traffic is not yet"
                                + " migrated to the latest revision.")),
                Arguments.of("the first revision, no reason: Deploying", new Case(1, 1L, "greeter-00001", null, IMAGE, "Unknown", null, null,
                        "Unknown", "Deploying", "revision greeter-00001 of Knative Service greeter is not ready yet")),
                Arguments.of("Ready=True but the latest created revision is not the one ready", new Case(2, 2L, "greeter-00002", "greeter-00001",
                        IMAGE, "True", null, null, "Unknown", "Deploying",
                        "revision greeter-00002 of Knative Service greeter is not ready yet (greeter-00001 serves meanwhile)")),
                Arguments.of("a cached Service still running the previous image", new Case(1, 1L, "greeter-00001", "greeter-00001", OLD_IMAGE,
                        "True", null, null, "Unknown", "Deploying", "Knative Service greeter runs " + OLD_IMAGE + ", not yet " + IMAGE)),
                Arguments.of("rolled out: True", new Case(2, 2L, "greeter-00002", "greeter-00002", IMAGE, "True", null, null, "True", null, null)),
                Arguments.of("a failed revision: Knative's reason and message", new Case(2, 2L, "greeter-00002", "greeter-00001", IMAGE, "False",
                        "RevisionFailed", "Revision \"greeter-00002\" failed with message: Back-off pulling image.", "False", "RevisionFailed",
                        "Revision \"greeter-00002\" failed with message: Back-off pulling image.")),
                Arguments.of("Ready False without a reason: ServiceFailed", new Case(1, 1L, "greeter-00001", null, IMAGE, "False", null, null,
                        "False", "ServiceFailed", "Knative Service greeter is not ready")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void readiness(String name, Case c) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName("greeter").withNamespace("demo").withGeneration(c.generation()).endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withImage(c.running()).endContainer().endSpec().endTemplate().endSpec();
        if (c.observed() != null) {
            var status = b.withNewStatus().withObservedGeneration(c.observed()).withLatestCreatedRevisionName(c.created())
                    .withLatestReadyRevisionName(c.serving());
            if (c.serving() != null) {
                status.withUrl("http://greeter.demo.example.com").withNewAddress().withUrl("http://greeter.demo.svc.cluster.local").endAddress();
            }
            if (c.ready() != null) {
                status.addNewCondition().withType("Ready").withStatus(c.ready()).withReason(c.reason()).withMessage(c.message()).endCondition();
            }
            status.endStatus();
        }
        Service service = b.build();
        FunctionStatus fs = new FunctionStatus();
        KnativeServiceReadiness.propagate(service, IMAGE, FunctionLifecycle.of(fs, Clock.systemUTC()));
        Condition ready = fs.condition(FunctionLifecycle.SERVICE_READY).orElseThrow();
        assertThat(ready.status).isEqualTo(c.status());
        assertThat(ready.reason).isEqualTo(c.expectedReason());
        assertThat(ready.message).isEqualTo(c.expectedMessage());
        assertThat(fs.url).isEqualTo("True".equals(c.status()) ? "http://greeter.demo.example.com" : null);
        assertThat(fs.address == null ? null : fs.address.url).isEqualTo("True".equals(c.status()) ? "http://greeter.demo.svc.cluster.local" : null);
    }
}
