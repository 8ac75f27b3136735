package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The wait before a retry, the same for every sender: the policy's backoff, or Knative's {@code Retry-After} rule. */
class RetryingSenderTest {

    /** Backoff 100 ms × retry; Retry-After waited for up to 5 s. */
    static final RetryPolicy POLICY = new RetryPolicy() {
        @Override
        public int retry() {
            return 3;
        }

        @Override
        public Duration backoff(int retry) {
            return Duration.ofMillis(100L * retry);
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration retryAfterMax() {
            return Duration.ofSeconds(5);
        }
    };

    static Stream<Arguments> waits() {
        return Stream.of(
                Arguments.of("a transport error waits the backoff", 0, null, 1, 100),
                Arguments.of("the backoff grows with the retry", 500, null, 3, 300),
                Arguments.of("a 429's Retry-After is waited for when longer", 429, Duration.ofSeconds(2), 1, 2000),
                Arguments.of("a 503's Retry-After is waited for when longer", 503, Duration.ofSeconds(2), 1, 2000),
                Arguments.of("a Retry-After shorter than the backoff does not shorten it", 429, Duration.ZERO, 2, 200),
                Arguments.of("a Retry-After is capped by retryAfterMax", 503, Duration.ofMinutes(10), 1, 5000),
                Arguments.of("a 500's Retry-After is ignored, as Knative ignores it", 500, Duration.ofSeconds(2), 1, 100),
                Arguments.of("a 404's Retry-After is ignored", 404, Duration.ofSeconds(2), 1, 100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void waits(String name, int status, Duration retryAfter, int retry, long expectedMillis) {
        Attempt failed = new Attempt(status, new byte[0], null, status == 0 ? "connection refused" : null, retryAfter);
        assertThat(RetryingSender.wait(POLICY, failed, retry)).isEqualTo(expectedMillis);
    }
}
