package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CeHeaderValuesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "plain stays plain|dev.kiln.hello|dev.kiln.hello",
        "non-ASCII, the binding's own example (spaces kept)|Euro € 😀|Euro %E2%82%AC %F0%9F%98%80",
        "quote kept, percent encoded|a\"b%c|a\"b%25c",
        "a GitLab hook name stays what GitLabSource's consumers filter on|Push Hook|Push Hook"})
    void encodesWhatTheBindingSaysAndDecodesItBack(String name, String value, String encoded) {
        assertThat(CeHeaderValues.encode(value)).isEqualTo(encoded);
        assertThat(CeHeaderValues.decode(encoded)).isEqualTo(value);
    }

    @Test
    void controlCharactersWhatAKafkaKeyMayHoldAreEncoded() {
        String key = "k" + (char) 0 + (char) 13 + (char) 10 + "ey";
        assertThat(CeHeaderValues.encode(key)).isEqualTo("k%00%0D%0Aey");
        assertThat(CeHeaderValues.decode("k%00%0D%0Aey")).isEqualTo(key);
    }

    @Test
    void decodingAcceptsLowerCaseHexAndKeepsAStrayPercent() {
        assertThat(CeHeaderValues.decode("a%2fb%")).isEqualTo("a/b%");
    }

    @Test
    void onlyCeHeadersAreEncoded() {
        Map<String, String> out = new HashMap<>();
        var headers = CeHeaderValues.encoding(out::put);
        headers.accept("ce-subject", "a€b");
        headers.accept("Content-Type", "application/json; charset=utf-8");
        assertThat(out).containsEntry("ce-subject", "a%E2%82%ACb").containsEntry("Content-Type", "application/json; charset=utf-8");
    }
}
