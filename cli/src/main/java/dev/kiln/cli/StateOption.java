package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state}: the {@code .kiln} directory a {@code kiln dev} keeps its state in, and finds it by. */
final class StateOption {

    @Option(names = "--state", defaultValue = ".kiln", description = "the state directory (default: ${DEFAULT-VALUE} here)")
    Path dir;

    /** @return {@code dev.json} of the running {@code kiln dev} */
    JsonNode running() throws NotRunningException {
        Path file = dir.resolve("dev.json");
        try {
            JsonNode node = new ObjectMapper().readTree(file.toFile());
            long pid = node.path("pid").asLong();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new NotRunningException("no kiln dev is running with state in " + dir.toAbsolutePath()
                + ": start one with `kiln dev DIR` here, or pass --state");
    }

    /** No {@code kiln dev} runs for this state directory. */
    static final class NotRunningException extends Exception {
        private static final long serialVersionUID = 1L;

        NotRunningException(String message) {
            super(message);
        }
    }
}
