package dev.kiln.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: what a pure builder renders, compared byte for byte with a reviewed file under
 * {@code src/test/resources/golden}. After an intended change, run the test with {@code -Dgolden.update=true}
 * to rewrite the files, then review the diff like any other change.
 */
public final class GoldenFiles {

    /** The folder golden files live in, relative to the module. */
    public static final Path DIR = Path.of("src", "test", "resources", "golden");

    private GoldenFiles() {
    }

    /**
     * @param name the file's name under {@link #DIR}
     * @param actual what the builder rendered
     */
    public static void assertMatches(String name, String actual) {
        Path golden = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(DIR);
                Files.writeString(golden, actual);
            }
            if (!Files.exists(golden)) {
                throw new AssertionError("no golden file " + golden.toAbsolutePath() + ": run with -Dgolden.update=true, then review it");
            }
            assertEquals(Files.readString(golden), actual, () -> "differs from " + golden + " (-Dgolden.update=true rewrites it)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
