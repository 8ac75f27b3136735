package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RetriesTest {

    @ParameterizedTest(name = "{0} retried: {1}")
    @CsvSource({"0,true", "500,true", "502,true", "503,true", "404,true", "408,true", "409,true", "429,true",
            "400,false", "401,false", "403,false", "413,false", "422,false", "200,false", "202,false"})
    void knativesRetryRule(int status, boolean retried) {
        assertThat(Retries.retryable(status)).isEqualTo(retried);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"soon", " "})
    void missingOrMalformedRetryAfterIsNull(String value) {
        assertThat(Retries.retryAfter(value)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"0,0", "3,3", "' 7 ',7", "-2,0"})
    void retryAfterInSeconds(String value, long seconds) {
        assertThat(Retries.retryAfter(value)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @org.junit.jupiter.api.Test
    void retryAfterAsAnHttpDate() {
        String in10 = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        assertThat(Retries.retryAfter(in10)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().minusSeconds(10));
        assertThat(Retries.retryAfter(past)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"linear: the first retry waits the delay,PT0.2S,1,false,PT0.2S", "linear grows by the delay,PT0.2S,3,false,PT0.6S",
            "exponential: the first retry waits the delay,PT0.2S,1,true,PT0.2S", "exponential doubles,PT0.2S,5,true,PT3.2S",
            "exponential stops doubling at 2^30,PT1S,40,true,PT298261H37M4S",
            "a wait too long for Duration is the longest,PT2562047788015215H,3,true,PT2562047788015H12M55.807S",
            "a wait too long for milliseconds is the longest,PT2000000000000H,2,false,PT2562047788015H12M55.807S"})
    void backoff(String name, Duration delay, int retry, boolean exponential, Duration wait) {
        assertThat(Retries.backoff(delay, retry, exponential)).isEqualTo(wait);
    }
}
