package dev.kiln.builder.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kiln-builder}: the builder's own command line, used inside build Jobs. */
@Command(name = "kiln-builder", mixinStandardHelpOptions = true, version = "kiln-builder 0.1.0", subcommands = Prepare.class,
        description = "Kiln's builder, as build Jobs run it.")
public final class Main {

    private Main() {
    }

    /** @param args the subcommand and its options */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
