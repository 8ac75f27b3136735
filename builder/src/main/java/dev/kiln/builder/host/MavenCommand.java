package dev.kiln.builder.host;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Maven a host build runs, and its command lines. Maven 3.9 or later: the SDK can come from a read-only
 * repository chained behind the user's own ({@code maven.repo.local.tail}), so a Kiln that ships its SDK never
 * writes into {@code ~/.m2} to make it visible.
 *
 * @param executable the command that starts Maven ({@code mvn}, or a wrapper script)
 */
public record MavenCommand(List<String> executable) {

    /** The environment variable that names the Maven to use. */
    public static final String ENV = "KILN_MAVEN";

    /** Copies the list. */
    public MavenCommand {
        if (executable == null || executable.isEmpty()) {
            throw new IllegalArgumentException("the Maven command is empty");
        }
        executable = List.copyOf(executable);
    }

    /**
     * Finds Maven: {@code KILN_MAVEN} when set, else {@code mvn} on the {@code PATH}.
     *
     * @param env the environment
     * @return the command
     * @throws IllegalStateException saying what to install or set, when there is none
     */
    public static MavenCommand locate(Map<String, String> env) {
        String named = env.get(ENV);
        if (named != null && !named.isBlank()) {
            if (!Files.isExecutable(Path.of(named))) {
                throw new IllegalStateException(ENV + "=" + named + " is not an executable file");
            }
            return new MavenCommand(List.of(named));
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "mvn"))) {
                return new MavenCommand(List.of(Path.of(dir, "mvn").toString()));
            }
        }
        throw new IllegalStateException("Maven not found: install Maven 3.9 or later, or set " + ENV
                + " to a Maven executable (Kiln's own ./mvnw works)");
    }

    /**
     * The command that packages a function: batch mode, tests neither compiled nor run (as in the cluster's
     * Dockerfile; tests belong to a CI flow, not to every deploy).
     *
     * @param offline true to use only what the local repositories hold
     * @param tailRepositories read-only local repositories consulted after the user's (e.g. Kiln's SDK)
     * @param localRepository the local repository, or null for the user's ({@code ~/.m2/repository})
     * @return the command line
     */
    public List<String> packageCommand(boolean offline, List<Path> tailRepositories, Path localRepository) {
        List<String> cmd = new ArrayList<>(executable);
        cmd.add("-B");
        cmd.add("-ntp");
        if (offline) {
            cmd.add("-o");
        }
        cmd.add("-Dmaven.test.skip=true");
        if (!tailRepositories.isEmpty()) {
            cmd.add("-Dmaven.repo.local.tail=" + tailRepositories.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
        if (localRepository != null) {
            cmd.add("-Dmaven.repo.local=" + localRepository);
        }
        cmd.add("package");
        return cmd;
    }

    /**
     * The environment Maven runs with: the given one, with {@code -XX:TieredStopAtLevel=1} added to
     * {@code MAVEN_OPTS} unless it already sets a tier. A build is a short-lived JVM that spends its time in
     * cold code; stopping at C1 made {@code mvn package} of the greeter about a third faster here
     * ({@code docs/benchmarks.md}).
     *
     * @param env the environment to extend (the process's, plus the caller's)
     * @return the variables to set
     */
    public static Map<String, String> environment(Map<String, String> env) {
        String opts = env.getOrDefault("MAVEN_OPTS", "").trim();
        if (opts.contains("TieredStopAtLevel")) {
            return Map.of("MAVEN_OPTS", opts);
        }
        return Map.of("MAVEN_OPTS", (opts + " -XX:TieredStopAtLevel=1").trim());
    }

    /**
     * @param line a line of an offline build's output
     * @return true when it says something was missing from the local repositories ("Cannot access central ... in
     *     offline mode and the artifact ... has not been downloaded from it before"), so an online build may succeed
     */
    public static boolean missingOffline(String line) {
        return line.contains("in offline mode");
    }
}
