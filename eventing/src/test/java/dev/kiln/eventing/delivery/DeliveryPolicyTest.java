package dev.kiln.eventing.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.DeliverySpecBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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

    @ParameterizedTest(name = "status {0} retried: {1}")
    @CsvSource({"0,true", "500,true", "502,true", "503,true", "404,true", "408,true", "409,true", "429,true",
            "400,false", "401,false", "403,false", "413,false", "415,false", "200,false", "301,false"})
    void retryable(int status, boolean retried) {
        assertThat(DeliveryPolicy.retryable(status)).isEqualTo(retried);
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

    @Test
    void deadLettersKeepThePayloadAndCarryTheError() {
        CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("t")
                .withData("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build();
        byte[] body = "x".repeat(2000).getBytes(StandardCharsets.UTF_8);
        CloudEvent dead = DeadLetters.annotate(event, "http://sub/", 503, body);
        assertThat(dead.getData().toBytes()).isEqualTo(event.getData().toBytes());
        assertThat(dead.getExtension("knativeerrordest")).isEqualTo("http://sub/");
        assertThat(dead.getExtension("knativeerrorcode")).isEqualTo(503);
        assertThat((String) dead.getExtension("knativeerrordata")).hasSize(1024)
                .isEqualTo(Base64.getEncoder().encodeToString(body).substring(0, 1024));
        assertThat(DeadLetters.annotate(event, "http://sub/", 0, null).getExtension("knativeerrorcode")).isEqualTo(500);
        assertThat(DeadLetters.annotate(event, "http://sub/", 400, new byte[0]).getExtension("knativeerrordata")).isNull();
    }

    @ParameterizedTest(name = "Retry-After \"{0}\"")
    @CsvSource(value = {"3,3000", "0,0", "'',-1", "soon,-1"}, nullValues = "-1")
    void retryAfter(String header, Long millis) {
        Duration d = Dispatcher.parseRetryAfter(header);
        assertThat(d == null ? null : d.toMillis()).isEqualTo(millis);
    }
}
