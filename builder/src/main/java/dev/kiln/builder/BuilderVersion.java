package dev.kiln.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The builder's version, part of every build key: a new builder may build the same commit differently. */
public final class BuilderVersion {

    /** This builder's version (the Maven project version, filtered into {@code builder.properties}). */
    public static final String CURRENT = read();

    private BuilderVersion() {
    }

    private static String read() {
        try (InputStream in = BuilderVersion.class.getResourceAsStream("builder.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/kiln/builder/builder.properties is missing from the builder's jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
