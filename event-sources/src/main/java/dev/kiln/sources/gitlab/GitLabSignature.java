package dev.kiln.sources.gitlab;

import dev.kiln.sources.http.BodySignature;
import dev.kiln.sources.http.StreamingHmac;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * GitLab's HMAC signing token, which follows the Standard Webhooks specification: {@code webhook-signature} holds
 * one or more space-separated {@code v1,<base64>} entries, each the HMAC-SHA256 of
 * {@code <webhook-id>.<webhook-timestamp>.<raw body>}; the key is the base64-decoded part of a {@code whsec_} token
 * (a token without that prefix is used as its UTF-8 bytes). {@code webhook-timestamp} (Unix seconds) must be within
 * {@link #TOLERANCE} of this adapter's clock, so a captured delivery cannot be replayed later. The HMAC is
 * computed while the body streams in, under each configured signing token (two during a rotation).
 */
public final class GitLabSignature {

    /** The header that carries the signatures. */
    public static final String HEADER = "webhook-signature";
    /** How far a delivery's timestamp may be from this adapter's clock, as the Standard Webhooks spec suggests. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private GitLabSignature() {
    }

    /**
     * @param token a signing token, {@code whsec_<base64>} or plain
     * @return its HMAC key
     * @throws IllegalArgumentException when a {@code whsec_} token is not base64
     */
    public static byte[] key(String token) {
        if (token.startsWith("whsec_")) {
            return Base64.getDecoder().decode(token.substring("whsec_".length()));
        }
        return token.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param token the signing token
     * @param id {@code webhook-id}
     * @param timestamp {@code webhook-timestamp}
     * @param body the raw body
     * @return the {@code webhook-signature} value GitLab would send
     */
    public static String sign(String token, String id, long timestamp, byte[] body) {
        StreamingHmac hmac = new StreamingHmac("HmacSHA256", List.of(key(token)));
        hmac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        hmac.update(body);
        return "v1," + Base64.getEncoder().encodeToString(hmac.finish().get(0));
    }

    /**
     * A check under way: the headers were acceptable, the signed prefix is already in the MACs, and the body is fed
     * to {@link #hmac()} as it arrives.
     *
     * @param given the {@code v1} signatures the header carries
     * @param hmac the MACs under each signing token
     */
    public record Check(List<byte[]> given, StreamingHmac hmac) implements BodySignature {

        @Override
        public void update(Buffer chunk) {
            hmac.update(chunk);
        }

        @Override
        public String mismatch() {
            return HEADER + " does not match the body and the configured signing token";
        }

        @Override
        public int signedBy() {
            List<byte[]> computed = hmac.finish();
            int matched = -1;
            for (int i = 0; i < computed.size(); i++) {
                for (byte[] g : given) {
                    if (java.security.MessageDigest.isEqual(computed.get(i), g) && matched < 0) {
                        matched = i;
                    }
                }
            }
            return matched;
        }
    }

    /**
     * Starts checking a delivery from its headers, before its body is read.
     *
     * @param keys the signing tokens' keys, current first
     * @param id {@code webhook-id}
     * @param timestamp {@code webhook-timestamp}
     * @param signatures {@code webhook-signature}
     * @param clock this adapter's clock
     * @return the check to feed the body to
     * @throws IllegalArgumentException why the headers alone are not acceptable
     */
    public static Check start(List<byte[]> keys, String id, String timestamp, String signatures, Clock clock) {
        if (signatures == null || signatures.isBlank()) {
            throw new IllegalArgumentException("missing " + HEADER + " header (this source has a signing token: set it in GitLab's webhook too)");
        }
        if (id == null || id.isBlank() || timestamp == null || timestamp.isBlank()) {
            throw new IllegalArgumentException(HEADER + " needs webhook-id and webhook-timestamp headers");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("webhook-timestamp is not a number of seconds");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > TOLERANCE.toSeconds()) {
            throw new IllegalArgumentException("webhook-timestamp is " + skew + " s away from this adapter's clock (at most "
                    + TOLERANCE.toSeconds() + " s): a replayed delivery, or a clock to fix");
        }
        List<byte[]> given = new ArrayList<>();
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma > 0 && entry.substring(0, comma).equals("v1")) {
                try {
                    given.add(Base64.getDecoder().decode(entry.substring(comma + 1)));
                } catch (IllegalArgumentException e) {
                    // a malformed entry matches nothing; another entry may still match
                }
            }
        }
        if (given.isEmpty()) {
            throw new IllegalArgumentException(HEADER + " carries no v1,<base64> signature");
        }
        StreamingHmac hmac = new StreamingHmac("HmacSHA256", keys);
        hmac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return new Check(given, hmac);
    }
}
