package dev.kiln.sources.github;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub's {@code X-Hub-Signature-256}: {@code sha256=} and the hex HMAC-SHA256 of the raw body bytes, keyed
 * with the hook's secret. Checked over the bytes as received, before anything parses them, and compared in
 * constant time. The legacy SHA-1 {@code X-Hub-Signature} is not accepted: GitHub sends both, and accepting the
 * weaker one alone would let a downgrade through.
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
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /**
     * @param secret the hook's secret
     * @param header the {@code X-Hub-Signature-256} value (may be null)
     * @param legacyHeader the {@code X-Hub-Signature} value (may be null), only to explain a refusal
     * @param body the raw body
     * @return null when the signature is valid, else why not
     */
    public static String check(String secret, String header, String legacyHeader, byte[] body) {
        if (header == null || header.isBlank()) {
            return legacyHeader != null
                    ? "only a SHA-1 X-Hub-Signature was sent; " + HEADER + " (HMAC-SHA256) is required"
                    : "missing " + HEADER + " header (set the webhook's secret in GitHub)";
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return HEADER + " must start with " + PREFIX;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return HEADER + " is not hexadecimal";
        }
        // MessageDigest.isEqual takes the same time for every pair of 32-byte arrays.
        return MessageDigest.isEqual(hmac(secret, body), given) ? null : "signature does not match the body and the configured secret";
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
