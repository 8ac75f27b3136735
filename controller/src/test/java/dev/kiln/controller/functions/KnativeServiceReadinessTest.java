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

/** A Knative Service's Ready condition, as the Function's ServiceReady sees it: the readiness table. */
class KnativeServiceReadinessTest {

    static Stream<Arguments> readiness() {
        return Stream.of(
                Arguments.of("no status yet: Unknown, Deploying", null, null, null, "Unknown", "Deploying", "waiting for Knative Service greeter to be ready"),
                Arguments.of("Ready Unknown without a reason: Deploying", "Unknown", null, null, "Unknown", "Deploying",
                        "waiting for Knative Service greeter to be ready"),
                Arguments.of("Ready Unknown: Knative's reason and message", "Unknown", "RevisionMissing", "Configuration is waiting", "Unknown",
                        "RevisionMissing", "Configuration is waiting"),
                Arguments.of("Ready True: True", "True", null, null, "True", null, null),
                Arguments.of("Ready False: Knative's reason and message", "False", "RevisionFailed", "container exited with 1", "False",
                        "RevisionFailed", "container exited with 1"),
                Arguments.of("Ready False without a reason: ServiceFailed", "False", null, null, "False", "ServiceFailed",
                        "Knative Service greeter is not ready"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void readiness(String name, String ready, String reason, String message, String status, String expectedReason, String expectedMessage) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName("greeter").withNamespace("demo").endMetadata();
        if (ready != null) {
            b.withNewStatus().withUrl("http://greeter.demo.example.com").withNewAddress().withUrl("http://greeter.demo.svc.cluster.local").endAddress()
                    .addNewCondition().withType("Ready").withStatus(ready).withReason(reason).withMessage(message).endCondition().endStatus();
        }
        Service service = b.build();
        FunctionStatus fs = new FunctionStatus();
        KnativeServiceReadiness.propagate(service, FunctionLifecycle.of(fs, Clock.systemUTC()));
        Condition c = fs.condition(FunctionLifecycle.SERVICE_READY).orElseThrow();
        assertThat(c.status).isEqualTo(status);
        assertThat(c.reason).isEqualTo(expectedReason);
        assertThat(c.message).isEqualTo(expectedMessage);
        assertThat(fs.url).isEqualTo("True".equals(status) ? "http://greeter.demo.example.com" : null);
        assertThat(fs.address == null ? null : fs.address.url).isEqualTo("True".equals(status) ? "http://greeter.demo.svc.cluster.local" : null);
    }
}
