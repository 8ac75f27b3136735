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
}
