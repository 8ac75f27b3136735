package dev.kiln.bench;

import java.nio.file.Path;

/**
 * A JDK to run the apps on.
 *
 * @param home its directory
 * @param feature its feature version
 */
record Jdk(Path home, int feature) {

    Path java() {
        return home.resolve("bin/java");
    }

    /** JDK 25+ uses the AOT cache (JEP 483/514); older ones dynamic AppCDS. */
    boolean aot() {
        return feature >= 25;
    }
}
