package dev.kiln.sources.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A source's backoff: Knative's exponential formula (http-support's {@code Retries.backoff}), capped by {@code SEND_MAX_DELAY}. */
class SendPolicyTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"the first retry waits the delay,1,PT0.1S", "then it doubles,3,PT0.4S", "capped by the longest delay,7,PT5S",
            "capped (not an overflow) however many retries,100000,PT5S"})
    void waitsBeforeRetry(String name, int retry, Duration wait) {
        SendPolicy policy = new SendPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(2));
        assertThat(policy.delay(retry)).isEqualTo(wait);
    }
}
