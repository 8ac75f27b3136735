package dev.kiln.sources.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GitHubSignatureTest {

    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String VALID = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void signsLikeGitHubsPublishedTestVector() {
        assertThat(GitHubSignature.sign(SECRET, BODY)).isEqualTo(VALID);
    }

    static byte[] mutated() {
        byte[] b = BODY.clone();
        b[7] ^= 1; // one bit of one byte
        return b;
    }

    static Stream<Arguments> cases() {
        String form = "payload=%7B%22zen%22%3A%22hi%22%7D";
        return Stream.of(
                Arguments.of("valid", VALID, null, BODY, null),
                Arguments.of("valid, upper-case hex", "sha256=" + VALID.substring(7).toUpperCase(Locale.ROOT), null, BODY, null),
                Arguments.of("missing", null, null, BODY, "missing X-Hub-Signature-256"),
                Arguments.of("SHA-1 only", null, "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", BODY, "only a SHA-1"),
                Arguments.of("wrong secret", GitHubSignature.sign("not the secret", BODY), null, BODY, "does not match"),
                Arguments.of("one byte of the body changed", VALID, null, mutated(), "does not match"),
                Arguments.of("wrong prefix", "sha1=" + VALID.substring(7), null, BODY, "must start with sha256="),
                Arguments.of("not hex", "sha256=zz" + VALID.substring(9), null, BODY, "not hexadecimal"),
                Arguments.of("truncated", VALID.substring(0, 41), null, BODY, "must be 64 hexadecimal digits"),
                Arguments.of("form-encoded, signed over the raw form body", GitHubSignature.sign(SECRET, form.getBytes(StandardCharsets.US_ASCII)),
                        null, form.getBytes(StandardCharsets.US_ASCII), null),
                Arguments.of("form-encoded, signed over the decoded JSON instead", GitHubSignature.sign(SECRET,
                        "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8)), null, form.getBytes(StandardCharsets.US_ASCII), "does not match"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checks(String name, String header, String legacy, byte[] body, String problem) {
        String result = GitHubSignature.check(SECRET, header, legacy, body);
        if (problem == null) {
            assertThat(result).isNull();
        } else {
            assertThat(result).contains(problem);
        }
    }
}
