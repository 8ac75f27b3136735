package dev.kiln.testing.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the repository's {@code hack/} scripts as a user runs it, and reads what it prints on stdout: one
 * {@code key=value} per line ({@code hack/base-images}, {@code hack/images}, {@code hack/release}). Progress (stderr)
 * goes to a log, whose end is in the exception when the script fails.
 */
public final class HackScript {

    private HackScript() {
    }

    /**
     * @param name the script, e.g. {@code images} for {@code hack/images}
     * @param args its arguments
     * @param env more environment
     * @param log where its stderr goes
     * @param timeout how long it may take
     * @return the {@code key=value} lines of its stdout, in order
     * @throws IOException when it fails or runs past {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    public static Map<String, String> run(String name, List<String> args, Map<String, String> env, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Path script = find(name);
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Path output = Files.createTempFile("kiln-hack-" + name, ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(output.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(script + " did not finish in " + timeout.toSeconds() + " s; its log: " + log);
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + Buildah.tail(log, 30));
            }
            Map<String, String> values = new LinkedHashMap<>();
            Files.readString(output).lines().filter(l -> l.contains("="))
                    .forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            return values;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * @param name a script's name
     * @return {@code hack/<name>} of the repository these tests run in (found from the working directory up)
     * @throws IOException when there is none
     */
    public static Path find(String name) throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("hack").resolve(name);
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IOException("hack/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
