package dev.kiln.function.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java installation and its feature version, which decides the kind of class archive it can use.
 *
 * @param home the installation directory (holds {@code bin/java} and {@code release})
 * @param feature the feature version, e.g. 17 or 25
 */
public record JavaRuntime(Path home, int feature) {

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(1\\.)?(\\d+)");

    /** Checks the fields. */
    public JavaRuntime {
        Objects.requireNonNull(home, "home");
        if (feature < 8) {
            throw new IllegalArgumentException("feature version must be 8 or later, got " + feature);
        }
    }

    /** @return the runtime this code runs on */
    public static JavaRuntime current() {
        return new JavaRuntime(Path.of(System.getProperty("java.home")), Runtime.version().feature());
    }

    /**
     * Reads an installation's {@code release} file.
     *
     * @param home the installation directory
     * @return the runtime
     * @throws IllegalArgumentException when {@code home} has no readable {@code release} file with a version
     */
    public static JavaRuntime at(Path home) {
        Path release = home.resolve("release");
        try {
            return new JavaRuntime(home, featureOf(Files.readString(release)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + release + ": is " + home + " a JDK or JRE?", e);
        }
    }

    /**
     * @param release the text of a {@code release} file
     * @return the feature version in its {@code JAVA_VERSION} line
     */
    static int featureOf(String release) {
        Matcher m = JAVA_VERSION.matcher(release);
        if (!m.find()) {
            throw new IllegalArgumentException("no JAVA_VERSION line in the release file");
        }
        return Integer.parseInt(m.group(2));
    }

    /** @return the {@code java} launcher */
    public Path java() {
        return home.resolve("bin").resolve("java");
    }

    /** @return the archive this runtime uses */
    public ArchiveKind archiveKind() {
        return feature >= 25 ? ArchiveKind.AOT_CACHE : feature >= 13 ? ArchiveKind.APP_CDS : ArchiveKind.NONE;
    }
}
