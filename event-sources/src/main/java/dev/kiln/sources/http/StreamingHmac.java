package dev.kiln.sources.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC over a body computed while it streams in, under each of a source's secrets at once (the current one and,
 * during a rotation, the previous one), so no second copy of an unauthenticated body is ever made to check it.
 */
public final class StreamingHmac {

    private final List<Mac> macs = new ArrayList<>();

    /**
     * @param algorithm the JCA name, e.g. {@code HmacSHA256}
     * @param keys the secrets' key bytes, in order of preference
     */
    public StreamingHmac(String algorithm, List<byte[]> keys) {
        try {
            for (byte[] key : keys) {
                Mac mac = Mac.getInstance(algorithm);
                mac.init(new SecretKeySpec(key, algorithm));
                macs.add(mac);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    /** @return the UTF-8 bytes of each secret */
    public static List<byte[]> utf8(List<String> secrets) {
        return secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** @param bytes bytes to add to every MAC */
    public void update(byte[] bytes) {
        macs.forEach(m -> m.update(bytes));
    }

    /** @param chunk a chunk to add to every MAC, read in place */
    public void update(Buffer chunk) {
        var nio = chunk.getByteBuf().nioBuffer();
        for (Mac m : macs) {
            m.update(nio.duplicate());
        }
    }

    /**
     * Finishes every MAC and compares each with {@code given} in constant time ({@link MessageDigest#isEqual} over
     * arrays of the same length takes the same time for every pair). Every secret is compared, matched or not, so
     * the time does not tell which one signed.
     *
     * @param given the MAC the sender claims
     * @return the index of the secret that produced it, or -1
     */
    public int match(byte[] given) {
        int matched = -1;
        for (int i = 0; i < macs.size(); i++) {
            if (MessageDigest.isEqual(macs.get(i).doFinal(), given) && matched < 0) {
                matched = i;
            }
        }
        return matched;
    }

    /** @return each MAC's value, finishing them */
    public List<byte[]> finish() {
        return macs.stream().map(Mac::doFinal).toList();
    }
}
