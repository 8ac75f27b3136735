package dev.kiln.cli;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln logs FUNCTION [-f]}: what a function's instances printed. */
@Command(name = "logs", description = "Print a function's log (every instance, every version); -f follows it.")
final class LogsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "name, or namespace/name")
    String function;

    @Option(names = {"-f", "--follow"}, description = "keep printing what is appended")
    boolean follow;

    @Mixin
    StateOption state;

    @Override
    public Integer call() throws Exception {
        String id = function.contains("/") ? function.replace('/', '.') : "default." + function;
        Path log = state.dir.resolve("logs").resolve(id + ".log");
        if (!Files.exists(log)) {
            System.err.println("no log for " + function + " in " + state.dir + " (it has not started an instance yet, or the name is wrong: see kiln get functions)");
            return Kiln.FAILED;
        }
        try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
            byte[] buffer = new byte[8192];
            while (true) {
                int n = in.read(buffer);
                if (n > 0) {
                    System.out.print(new String(buffer, 0, n, StandardCharsets.UTF_8));
                } else if (!follow) {
                    return Kiln.OK;
                } else {
                    System.out.flush();
                    Thread.sleep(250);
                }
            }
        }
    }
}
