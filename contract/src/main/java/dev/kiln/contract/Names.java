package dev.kiln.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Kubernetes names for objects Kiln creates: length-safe like Knative's {@code kmeta.ChildName}. */
public final class Names {

    /** The longest name a label value, a DNS label or a Job name may have. */
    public static final int MAX = 63;

    private Names() {
    }

    /**
     * @param parent the owner's name
     * @param suffix what the child is, e.g. {@code -build-1a2b3c4d5e}
     * @return {@code parent + suffix}, or when longer than 63 characters, the parent cut and followed by a hash of the
     *     whole name, so distinct long names stay distinct
     */
    public static String child(String parent, String suffix) {
        String name = parent + suffix;
        if (name.length() <= MAX) {
            return name;
        }
        String hash = hash(name).substring(0, 8);
        int keep = MAX - suffix.length() - hash.length() - 1;
        return parent.substring(0, Math.max(1, keep)).replaceAll("-+$", "") + "-" + hash + suffix;
    }

    /**
     * @param s any text
     * @return its SHA-256, in hex
     */
    public static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
