package dev.kiln.builder.host;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads progress from Maven's batch-mode output: each mojo execution starts with a line such as
 * {@code [INFO] --- compiler:3.13.0:compile (default-compile) @ greeter ---} (Maven 3.9; older versions print the
 * full plugin artifactId), which becomes {@code compiler:compile @ greeter}.
 */
public final class MavenProgress {

    private static final Pattern MOJO = Pattern.compile(
            "^\\[INFO] --- (?:maven-)?([\\w.-]+?)(?:-maven-plugin|-plugin)?:[^:\\s]+:([\\w.-]+)(?: \\([^)]*\\))? @ ([\\w.-]+) ---$");

    private MavenProgress() {
    }

    /**
     * @param line one line of Maven's output
     * @return the step it starts, when it starts one
     */
    public static Optional<String> step(String line) {
        Matcher m = MOJO.matcher(line.strip());
        return m.matches() ? Optional.of(m.group(1) + ":" + m.group(2) + " @ " + m.group(3)) : Optional.empty();
    }
}
