package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

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
}
