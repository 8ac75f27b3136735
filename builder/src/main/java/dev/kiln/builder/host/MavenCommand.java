package dev.kiln.builder.host;

import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.function.launch.JavaRuntime;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** The oldest Maven that takes what Kiln passes: {@code maven.repo.local.tail} came with Maven 3.9.0. */
    public static final String OLDEST = "3.9.0";

    private static final Pattern VERSION = Pattern.compile("Apache Maven (\\d+)\\.(\\d+)\\.(\\d+)\\S*");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

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
     * Asks this Maven its version ({@code mvn -v}) and refuses one older than {@value #OLDEST}: an older Maven
     * ignores {@code maven.repo.local.tail} without a word, and the build then fails to find Kiln's SDK, or finds an
     * older SDK in {@code ~/.m2}.
     *
     * @param env the environment Maven runs with
     * @return the version, e.g. {@code 3.9.11}
     * @throws IllegalStateException naming the version found, the version needed and what to do
     * @throws IOException when Maven cannot be run
     */
    public String requireSupported(Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(executable);
        cmd.add("-B");
        cmd.add("-v");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not answer within 60 s");
        }
        return requireSupported(String.join(" ", executable), output);
    }

    /**
     * @param maven the command, for the message
     * @param versionOutput what {@code mvn -v} printed
     * @return the version
     * @throws IllegalStateException when it is older than {@value #OLDEST}, or says no version
     */
    static String requireSupported(String maven, String versionOutput) {
        Matcher m = VERSION.matcher(ANSI.matcher(versionOutput).replaceAll(""));
        if (!m.find()) {
            throw new IllegalStateException(maven + " -v did not print a Maven version (" + versionOutput.strip().lines().findFirst().orElse("no output")
                    + "); Kiln needs Maven " + OLDEST + " or later: set " + ENV + " to one (Kiln's own ./mvnw works)");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        String found = m.group().substring("Apache Maven ".length());
        if (major < 3 || (major == 3 && minor < 9)) {
            throw new IllegalStateException("Maven " + found + " (" + maven + ") is too old for Kiln's function builds: they need Maven "
                    + OLDEST + " or later (Kiln's SDK comes from a repository chained with maven.repo.local.tail). Set " + ENV
                    + " to a newer Maven (Kiln's own ./mvnw works; ./kiln uses it), or install Maven 3.9+");
        }
        return found;
    }

    /**
     * Whether Maven's JDK needs {@link MavenDockerfile#ASK_FOR_PROCESSORS}: the one {@code JAVA_HOME} names is 23 or later. Earlier
     * JDKs run the processors unasked (and those before 17.0.11 do not know the option), and without
     * {@code JAVA_HOME} Maven's JDK is not known, so the option is given only when it is needed and understood.
     *
     * @param env Maven's environment
     * @return whether to ask
     */
    public static boolean needsProcessorsAsked(Map<String, String> env) {
        String home = env.get("JAVA_HOME");
        if (home == null || home.isBlank()) {
            return false;
        }
        try {
            return JavaRuntime.at(Path.of(home)).feature() >= 23;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The command that packages a function: batch mode, tests neither compiled nor run (as in the cluster's
     * Dockerfile; tests belong to a CI flow, not to every deploy).
     *
     * @param offline true to use only what the local repositories hold
     * @param tailRepositories read-only local repositories consulted after the user's (e.g. Kiln's SDK)
     * @param localRepository the local repository, or null for the user's ({@code ~/.m2/repository})
     * @param askForProcessors whether to ask javac to run annotation processors ({@link MavenDockerfile#ASK_FOR_PROCESSORS}), which
     *     JDK 23 and later do not run unasked: the SDK generates the function's codec with one
     * @return the command line
     */
    public List<String> packageCommand(boolean offline, List<Path> tailRepositories, Path localRepository, boolean askForProcessors) {
        List<String> cmd = new ArrayList<>(executable);
        cmd.add("-B");
        cmd.add("-ntp");
        if (offline) {
            cmd.add("-o");
        }
        cmd.add("-Dmaven.test.skip=true");
        if (askForProcessors) {
            cmd.add(MavenDockerfile.ASK_FOR_PROCESSORS);
        }
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

    private static final Pattern COMPILE_ERROR = Pattern.compile("^\\[ERROR\\] (/\\S+\\.java):\\[(\\d+),\\d+\\] (.*)$");

    /**
     * The compiler's errors in a failed build's output, as javac prints them ({@code path:line: error: message}), with
     * paths relative to the project: what a user needs to see first, before the rest of Maven's output.
     *
     * @param lines the build's output (its tail)
     * @param project the directory Maven ran in, cut from the paths
     * @return the errors, in order, at most five
     */
    public static List<String> compileErrors(List<String> lines, Path project) {
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            Matcher m = COMPILE_ERROR.matcher(ANSI.matcher(line).replaceAll(""));
            if (m.matches() && errors.size() < 5) {
                Path file = Path.of(m.group(1));
                String shown = file.startsWith(project) ? project.relativize(file).toString() : file.toString();
                String error = shown + ":" + m.group(2) + ": error: " + m.group(3);
                if (!errors.contains(error)) {
                    errors.add(error);
                }
            }
        }
        return errors;
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
