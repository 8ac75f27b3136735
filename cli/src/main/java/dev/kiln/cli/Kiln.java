package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kiln} command. Exit codes scripts can rely on: 0 done, 1 failed, 2 bad usage or invalid manifests,
 * 3 no {@code kiln dev} running here.
 */
@Command(name = "kiln", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Functions from Git, events from everywhere: the local platform and its tools.",
        subcommands = {DevCommand.class, GetCommand.class, LogsCommand.class, SendCommand.class, EventsCommand.class, TraceCommand.class, DlqCommand.class, NewCommand.class, VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class Kiln {

    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed (a rejected event, a failed start). */
    public static final int FAILED = 1;
    /** Bad usage or invalid manifests: fix the input (picocli uses 2 for bad usage too). */
    public static final int USAGE = 2;
    /** No {@code kiln dev} is running for this state directory. */
    public static final int NOT_RUNNING = 3;

    /** @param args the command line */
    public static void main(String[] args) {
        // One line per record, before any logger exists: "WARNING dev.kiln.local...: message".
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line with Kiln's exit codes: a command that needs a running {@code kiln dev} and finds none
     *     prints why and exits with {@link #NOT_RUNNING}, wherever in the command that is found out
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Kiln()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof StateOption.NotRunningException) {
                cmd.getErr().println(e.getMessage());
                return NOT_RUNNING;
            }
            throw e;
        });
    }
}
