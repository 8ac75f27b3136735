package dev.kiln.builder.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child process whose output (stdout and stderr merged) is read line by line as it is written: each line goes to
 * a listener and a log file, and the last lines are kept for error messages. A process that outlives its timeout is
 * killed with its descendants ({@code mvnw} is a script that starts a JVM).
 */
final class LoggedProcess {

    /** How many lines an error message carries. */
    static final int TAIL_LINES = 40;

    /**
     * How a process ended.
     *
     * @param exitCode its exit code, or -1 when it was killed for its timeout
     * @param timedOut true when it was killed for its timeout
     * @param tail its last lines
     */
    record Result(int exitCode, boolean timedOut, List<String> tail) {
        boolean succeeded() {
            return exitCode == 0 && !timedOut;
        }
    }

    private LoggedProcess() {
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout, Writer log,
            Consumer<String> lines) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        process.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        // The reader runs on its own thread so the timeout is enforced even when the process stops writing.
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (tail) {
                        if (tail.size() == TAIL_LINES) {
                            tail.removeFirst();
                        }
                        tail.addLast(line);
                    }
                    log.write(line);
                    log.write('\n');
                    lines.accept(line);
                }
                log.flush();
            } catch (IOException e) {
                // The stream closes when the process is killed; what was read is kept.
            }
        }, "kiln-build-log");
        reader.setDaemon(true);
        reader.start();
        boolean finished = false;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (!finished) {
                // Timed out, or the build was cancelled (interrupted): leave nothing running.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        if (!finished) {
            process.waitFor();
        }
        reader.join(5_000);
        synchronized (tail) {
            return new Result(finished ? process.exitValue() : -1, !finished, List.copyOf(tail));
        }
    }
}
