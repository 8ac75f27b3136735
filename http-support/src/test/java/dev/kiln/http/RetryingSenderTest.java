package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
                Arguments.of("a 404's Retry-After is ignored", 404, Duration.ofSeconds(2), 1, 100),
                Arguments.of("a Retry-After too long for milliseconds is capped, not an overflow", 503,
                        Retries.retryAfter("10000000000000000"), 1, 5000));
    }

    @Test
    void aBackoffTooLongForMillisecondsIsTheLongestWait() {
        RetryPolicy huge = new Policy(3, Duration.ofMillis(50)) {
            @Override
            public Duration backoff(int retry) {
                return Retries.backoff(Duration.ofSeconds(Long.MAX_VALUE / 2), retry, true);
            }
        };
        assertThat(RetryingSender.wait(huge, new Attempt(500, new byte[0], null, null, null), 2)).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void waits(String name, int status, Duration retryAfter, int retry, long expectedMillis) {
        Attempt failed = new Attempt(status, new byte[0], null, status == 0 ? "connection refused" : null, retryAfter);
        assertThat(RetryingSender.wait(POLICY, failed, retry)).isEqualTo(expectedMillis);
    }

    /** One retry after 10 ms, Retry-After waited for up to 50 ms; the callbacks a test overrides to fail. */
    static class Policy implements RetryPolicy {
        final int retry;
        final Duration retryAfterMax;

        Policy(int retry, Duration retryAfterMax) {
            this.retry = retry;
            this.retryAfterMax = retryAfterMax;
        }

        @Override
        public int retry() {
            return retry;
        }

        @Override
        public Duration backoff(int retry) {
            return Duration.ofMillis(10);
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration retryAfterMax() {
            return retryAfterMax;
        }
    }

    static Stream<Arguments> deliveriesThatMustEnd() {
        return Stream.of(
                Arguments.of("a 503 with a Retry-After too long for milliseconds", "10000000000000000", new Policy(1, Duration.ofMillis(50)),
                        2, "status 503"),
                Arguments.of("a policy whose backoff throws", null, new Policy(1, Duration.ofMillis(50)) {
                    @Override
                    public Duration backoff(int retry) {
                        throw new IllegalStateException("backoff bug");
                    }
                }, 1, "backoff bug"),
                Arguments.of("a policy whose retrying listener throws", null, new Policy(1, Duration.ofMillis(50)) {
                    @Override
                    public void retrying(CloudEvent event, URI target, Attempt failed, int attempt, long waitMillis) {
                        throw new IllegalStateException("listener bug");
                    }
                }, 1, "listener bug"),
                Arguments.of("a policy whose attempt listener throws on the retry, in a timer", null, new Policy(1, Duration.ofMillis(50)) {
                    int attempts;

                    @Override
                    public void attempted() {
                        if (++attempts == 2) {
                            throw new IllegalStateException("counter bug");
                        }
                    }
                }, 2, "counter bug"),
                Arguments.of("a policy whose answer listener throws", null, new Policy(1, Duration.ofMillis(50)) {
                    @Override
                    public void answered(CloudEvent event, URI target, Attempt answer, int attempt, long nanos) {
                        throw new IllegalStateException("metrics bug");
                    }
                }, 1, "metrics bug"));
    }

    /**
     * Every delivery ends, and a failure inside the loop ends it as failed: an exception in a Vert.x handler would
     * otherwise leave the outcome pending forever (no retry, no dead letter, a durable offset held).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void deliveriesThatMustEnd(String name, String retryAfter, RetryPolicy policy, int attempts, String why) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
                req.response().setStatusCode(503);
                if (retryAfter != null) {
                    req.response().putHeader("Retry-After", retryAfter);
                }
                req.response().end();
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("/test")).withType("t").build();
            try (RetryingSender sender = new RetryingSender(vertx, 4)) {
                Outcome outcome = sender.deliver(event, URI.create("http://127.0.0.1:" + server.actualPort() + "/"), Map.of(), policy)
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(outcome.delivered()).isFalse();
                assertThat(outcome.attempts()).isEqualTo(attempts);
                assertThat(outcome.last().describe()).contains(why);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
