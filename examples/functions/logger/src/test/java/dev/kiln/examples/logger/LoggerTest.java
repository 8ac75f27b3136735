package dev.kiln.examples.logger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.function.testing.FunctionTester;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Any event is taken, printed, and answered without a reply. */
class LoggerTest {

    @Test
    void printsAnyEventAndRepliesWithNothing() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (FunctionTester logger = FunctionTester.of(new Logger())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            var outcome = logger.invoke(CloudEventBuilder.v1().withId("e1").withSource(URI.create("/cron")).withType("dev.knative.sources.ping")
                    .withExtension("origin", "cron").withDataContentType("application/json").withData("{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build());
            assertThat(outcome.status()).isEqualTo(202);
            assertThat(outcome.reply()).isNull();
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("event dev.knative.sources.ping from /cron id e1 origin=cron data {\"n\":1}");
    }
}
