package dev.kiln.builder.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A finished host build: a function directory laid out as the SDK's template packages it ({@code app.jar} beside
 * {@code lib/}), ready for {@code JvmCommand.run}.
 *
 * @param key the build key
 * @param commit the commit built
 * @param appDir the function directory
 * @param classPath the jars: {@code app.jar} first, then {@code lib/}, in manifest order
 * @param mainClass the manifest's {@code Main-Class}
 * @param archive the class archive trained for the configured runtime, or null when none could be written (or, for a
 *     working tree, none was asked for)
 * @param classes a working tree's compiled classes and resources (Maven's {@code target/classes}), else null
 * @param log the build's full log
 * @param took how long the build took (zero for a cached one)
 * @param cached true when the build key had been built before and nothing ran
 */
public record HostBuild(String key, String commit, Path appDir, List<Path> classPath, String mainClass, Path archive,
        Path classes, Path log, Duration took, boolean cached) {
}
