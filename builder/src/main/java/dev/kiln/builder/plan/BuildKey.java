package dev.kiln.builder.plan;

import dev.kiln.api.functions.v1alpha1.BuildSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What identifies a build: the commit, the context directory, the build spec and the builder's version. Equal keys
 * build the same image, so a key that already has an image is never built again, in either mode.
 */
public final class BuildKey {

    private BuildKey() {
    }

    /**
     * @param commit the full commit SHA
     * @param contextDir the context directory (normalized), "" for the root
     * @param spec the build spec, or null
     * @param builderVersion the builder's version (a new builder may build differently)
     * @return 64 hex characters
     */
    public static String of(String commit, String contextDir, BuildSpec spec, String builderVersion) {
        StringBuilder s = new StringBuilder()
                .append("commit=").append(commit).append('\n')
                .append("context=").append(contextDir == null ? "" : contextDir).append('\n')
                .append("builder=").append(builderVersion).append('\n');
        if (spec != null) {
            s.append("strategy=").append(nullToEmpty(spec.strategy)).append('\n')
                    .append("dockerfile=").append(nullToEmpty(spec.dockerfile)).append('\n')
                    .append("image=").append(nullToEmpty(spec.image)).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
