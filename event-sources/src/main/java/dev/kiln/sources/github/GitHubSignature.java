package dev.kiln.sources.github;

import dev.kiln.sources.http.BodySignature;
import dev.kiln.sources.http.StreamingHmac;
import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import java.util.List;

/**
 * GitHub's {@code X-Hub-Signature-256}: {@code sha256=} and the hex HMAC-SHA256 of the raw body bytes, keyed
 * with the hook's secret. The header is checked before the body is read; the HMAC is computed while the body
 * streams in, under every configured secret (two during a rotation), and compared in constant time. The legacy
 * SHA-1 {@code X-Hub-Signature} is not accepted: GitHub sends both, and accepting the weaker one alone would let a
 * downgrade through.
 */
public final class GitHubSignature {

    /** The header GitHub signs with. */
    public static final String HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";

    private GitHubSignature() {
    }

    /**
     * @param secret the hook's secret
     * @param body the raw body
     * @return the header value GitHub would send
     */
    public static String sign(String secret, byte[] body) {
        StreamingHmac hmac = new StreamingHmac("HmacSHA256", StreamingHmac.utf8(List.of(secret)));
        hmac.update(body);
        return PREFIX + HexFormat.of().formatHex(hmac.finish().get(0));
    }

    /**
     * A check under way: the header was well-formed, and the body is fed to {@link #hmac()} as it arrives.
     *
     * @param given the signature the header claims
     * @param hmac the MACs under each secret
     */
    public record Check(byte[] given, StreamingHmac hmac) implements BodySignature {

        @Override
        public void update(Buffer chunk) {
            hmac.update(chunk);
        }

        @Override
        public int signedBy() {
            return hmac.match(given);
        }

        @Override
        public String mismatch() {
            return MISMATCH;
        }
    }

    /**
     * Starts checking a delivery from its headers, before its body is read.
     *
     * @param secrets the hook's secrets, current first
     * @param header the {@code X-Hub-Signature-256} value (may be null)
     * @param legacyHeader the {@code X-Hub-Signature} value (may be null), only to explain a refusal
     * @return the check to feed the body to
     * @throws IllegalArgumentException why the header alone is not acceptable
     */
    public static Check start(List<String> secrets, String header, String legacyHeader) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException(legacyHeader != null
                    ? "only a SHA-1 X-Hub-Signature was sent; " + HEADER + " (HMAC-SHA256) is required"
                    : "missing " + HEADER + " header (set the webhook's secret in GitHub)");
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException(HEADER + " must start with " + PREFIX);
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(HEADER + " is not hexadecimal");
        }
        if (given.length != 32) {
            throw new IllegalArgumentException(HEADER + " must be 64 hexadecimal digits (an HMAC-SHA256)");
        }
        return new Check(given, new StreamingHmac("HmacSHA256", StreamingHmac.utf8(secrets)));
    }

    /**
     * Checks a whole body at once.
     *
     * @param secret the hook's secret
     * @param header the {@code X-Hub-Signature-256} value (may be null)
     * @param legacyHeader the {@code X-Hub-Signature} value (may be null)
     * @param body the raw body
     * @return null when the signature is valid, else why not
     */
    public static String check(String secret, String header, String legacyHeader, byte[] body) {
        try {
            Check check = start(List.of(secret), header, legacyHeader);
            check.hmac().update(body);
            return check.signedBy() >= 0 ? null : MISMATCH;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Why a well-formed signature was refused. */
    public static final String MISMATCH = "signature does not match the body and the configured secret";
}
