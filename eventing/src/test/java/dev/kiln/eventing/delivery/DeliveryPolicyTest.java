package dev.kiln.eventing.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.DeliverySpecBuilder;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DeliveryPolicyTest {

    @ParameterizedTest(name = "{0} retry {1} waits {2} ms")
    @CsvSource({"LINEAR,1,200", "LINEAR,2,400", "LINEAR,3,600", "EXPONENTIAL,1,200", "EXPONENTIAL,2,400", "EXPONENTIAL,3,800",
            "EXPONENTIAL,5,3200"})
    void backoff(BackoffPolicy policy, int retry, long millis) {
        assertThat(policy.delay(Duration.ofMillis(200), retry)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"a misspelt policy, exponentiel, , backoffPolicy", "a capitalised policy, Exponential, , backoffPolicy",
            "an unknown format, , xml, format"})
    void valuesThatAreNotKnativesAreRefusedNotReadAsAnother(String name, String backoffPolicy, String format, String field) {
        DeliverySpec spec = new DeliverySpecBuilder().withBackoffPolicy(backoffPolicy).withFormat(format).build();
        assertThatThrownBy(() -> DeliveryPolicy.merge(DeliveryPolicy.BROKER_DEFAULT, spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delivery." + field);
    }

    static Stream<Arguments> merges() {
        DeliverySpec broker = new DeliverySpecBuilder().withRetry(3).withBackoffPolicy("linear").withBackoffDelay("PT1S")
                .withNewDeadLetterSink().withUri("http://dls/").endDeadLetterSink().build();
        return Stream.of(
                Arguments.of("nothing set keeps the defaults", null, null, DeliveryPolicy.BROKER_DEFAULT),
                Arguments.of("broker only", broker, null, new DeliveryPolicy(3, BackoffPolicy.LINEAR, Duration.ofSeconds(1),
                        Duration.ofMinutes(5), Duration.ofMinutes(1), broker.getDeadLetterSink(), false)),
                Arguments.of("trigger fields win, the broker's DLS stays", broker,
                        new DeliverySpecBuilder().withRetry(1).withTimeout("PT2S").withFormat("json").build(),
                        new DeliveryPolicy(1, BackoffPolicy.LINEAR, Duration.ofSeconds(1), Duration.ofSeconds(2),
                                Duration.ofMinutes(1), broker.getDeadLetterSink(), true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void mergesFieldByField(String name, DeliverySpec broker, DeliverySpec trigger, DeliveryPolicy expected) {
        assertThat(DeliveryPolicy.merge(DeliveryPolicy.BROKER_DEFAULT, broker, trigger)).isEqualTo(expected);
    }

    @Test
    void malformedDurationsAreNamed() {
        assertThatThrownBy(() -> DeliveryPolicy.merge(DeliveryPolicy.NO_RETRY, new DeliverySpecBuilder().withBackoffDelay("1s").build()))
                .hasMessage("delivery.backoffDelay \"1s\" is not an ISO-8601 duration such as PT0.2S");
    }
}
