package dev.kiln.sources.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.sources.RecordingSink;
import dev.kiln.sources.RunningAdapter;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A real schedule (every second) against a real sink. */
class CronSourceIT {

    @Test
    void firesPingSourceShapedEventsOnSchedule() throws Exception {
        try (RecordingSink sink = new RecordingSink();
                RunningAdapter adapter = RunningAdapter.start("cron", Map.of("K_SINK", sink.url(), "HOST", "127.0.0.1", "PORT", "0",
                        "NAMESPACE", "ops", "NAME", "heartbeat", "CRON_SCHEDULE", "* * * * * *", "CRON_TIMEZONE", "Europe/Paris",
                        "CRON_DATA", "{\"message\":\"tick\"}", "CRON_CONTENT_TYPE", "application/json"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.accepted.size() >= 3);
            List<CloudEvent> ticks = List.copyOf(sink.accepted);
            assertThat(ticks).allSatisfy(e -> {
                assertThat(e.getType()).isEqualTo("dev.knative.sources.ping");
                assertThat(e.getSource()).hasToString("/apis/v1/namespaces/ops/cronsources/heartbeat");
                assertThat(e.getDataContentType()).isEqualTo("application/json");
                assertThat(new String(e.getData().toBytes())).isEqualTo("{\"message\":\"tick\"}");
                assertThat(e.getTime().getNano()).as("time is the scheduled tick").isZero();
            });
            assertThat(ticks.stream().map(CloudEvent::getId).collect(Collectors.toSet())).hasSize(ticks.size());
            assertThat(ticks.stream().map(e -> e.getTime().toInstant()).distinct().count()).as("one event per tick").isEqualTo(ticks.size());
        }
    }
}
