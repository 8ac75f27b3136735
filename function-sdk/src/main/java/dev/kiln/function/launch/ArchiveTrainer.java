package dev.kiln.function.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Trains a function directory's class archive for the JVM this runs on, and writes the JVM options that map it to
 * {@value #OPTIONS_FILE} beside {@code app.jar}, as a {@code java} argument file. An image is built with
 * <pre>
 * RUN java -cp /app/app.jar dev.kiln.function.launch.ArchiveTrainer /app
 * ENTRYPOINT ["java", "@/app/jvm.args", "-jar", "/app/app.jar"]
 * </pre>
 * so the runtime image decides the archive (AppCDS on JDK 13–24, an AOT cache on JDK 25+, through
 * {@link JvmCommand}), and one Dockerfile serves any JDK 17+ runtime image. Training runs in a child JVM, because the
 * option that writes the archive must be given when a JVM starts. The directory's files get the Unix epoch as their
 * time first, the time a reproducible build gives them in the pushed image ({@link #epochTimes}). Exit codes: 0 trained, 1 training failed, 2 bad
 * usage.
 */
public final class ArchiveTrainer {

    /** The argument file written beside {@code app.jar}. */
    public static final String OPTIONS_FILE = "jvm.args";
    /** Training rounds when {@code --rounds} is not given: as {@code --train} alone. */
    static final int DEFAULT_ROUNDS = 100;
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private ArchiveTrainer() {
    }

    /** @param args the function directory, and optionally {@code --rounds=N} */
    public static void main(String[] args) {
        System.exit(run(args, JavaRuntime.current(), System.out, System.err));
    }

    static int run(String[] args, JavaRuntime java, PrintStream out, PrintStream err) {
        Path appDir = null;
        int rounds = DEFAULT_ROUNDS;
        for (String arg : args) {
            if (arg.startsWith("--rounds=") && arg.substring("--rounds=".length()).matches("[1-9][0-9]{0,5}")) {
                rounds = Integer.parseInt(arg.substring("--rounds=".length()));
            } else if (!arg.startsWith("-") && appDir == null) {
                appDir = Path.of(arg).toAbsolutePath();
            } else {
                err.println("usage: ArchiveTrainer APP_DIR [--rounds=N]: unexpected '" + arg + "'");
                return 2;
            }
        }
        if (appDir == null || !Files.isRegularFile(appDir.resolve(JvmCommand.APP_JAR))) {
            err.println("usage: ArchiveTrainer APP_DIR [--rounds=N]: APP_DIR must hold " + JvmCommand.APP_JAR
                    + (appDir == null ? "" : " (" + appDir + " does not)"));
            return 2;
        }
        try {
            epochTimes(appDir);
            if (java.archiveKind() == ArchiveKind.NONE) {
                out.println("Java " + java.feature() + " writes no class archive: serving without one");
            } else {
                Process training = new ProcessBuilder(JvmCommand.train(java, appDir, rounds)).inheritIO().start();
                int exit = training.waitFor();
                Path archive = JvmCommand.archive(java, appDir);
                if (exit != 0 || !Files.isRegularFile(archive)) {
                    err.println("training the " + java.archiveKind().name() + " archive failed (exit " + exit + (Files.isRegularFile(archive) ? "" : ", no "
                            + archive.getFileName()) + "): run java -jar " + JvmCommand.APP_JAR + " --train to see why");
                    return 1;
                }
            }
            List<String> options = JvmCommand.archiveOptions(java, appDir);
            Files.writeString(appDir.resolve(OPTIONS_FILE), options.stream().map(ArchiveTrainer::quoted)
                    .collect(Collectors.joining("\n", "", options.isEmpty() ? "" : "\n")), StandardCharsets.UTF_8);
            out.println("wrote " + appDir.resolve(OPTIONS_FILE) + ": " + (options.isEmpty() ? "no options" : String.join(" ", options)));
            return 0;
        } catch (IOException e) {
            err.println("training failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Sets the modification time of every file in the function directory to the Unix epoch, as reproducible image
     * builders write them into the pushed image (Kaniko's {@code --reproducible} rewrites every layer's times). A
     * class archive records the time of each jar on its class path and is refused at start-up when one differs, so
     * the jars must have, when training, the time they will have in the image.
     */
    static void epochTimes(Path appDir) throws IOException {
        try (Stream<Path> files = Files.walk(appDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, EPOCH);
            }
        }
    }

    /** @return the option as one argument of a {@code java} argument file (quoted when it has spaces or quotes) */
    static String quoted(String option) {
        if (!option.matches(".*[\\s\"'\\\\#].*")) {
            return option;
        }
        return "\"" + option.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
