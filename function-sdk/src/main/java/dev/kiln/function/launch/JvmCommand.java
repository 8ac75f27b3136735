package dev.kiln.function.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for a packaged function: {@code app.jar} (manifest {@code Main-Class} = the SDK's
 * {@code FunctionMain}, {@code Class-Path} = the jars in {@code lib/}) in one directory. A plain jar list, not
 * a fat jar, because class archives only cover classes loaded from jars on the class path.
 *
 * <p>The archive is named per JDK feature version ({@code app.jdk17.jsa}, {@code app.jdk25.aot}) because an
 * archive only maps into the exact JVM that wrote it; a directory can hold several. A stale or foreign
 * archive is not an error: the JVM warns and starts without it.
 */
public final class JvmCommand {

    /** The application jar inside a function directory. */
    public static final String APP_JAR = "app.jar";

    private JvmCommand() {
    }

    /**
     * @param java the runtime
     * @param appDir the function directory
     * @return where that runtime's archive for the function lives (it may not exist)
     */
    public static Path archive(JavaRuntime java, Path appDir) {
        ArchiveKind kind = java.archiveKind();
        return kind == ArchiveKind.NONE ? null : appDir.resolve("app.jdk" + java.feature() + "." + kind.extension());
    }

    /**
     * The command that serves the function, mapping the archive when one exists for this runtime.
     *
     * @param java the runtime
     * @param appDir the function directory
     * @param jvmOptions extra JVM options, e.g. heap limits
     * @return the command line
     */
    public static List<String> run(JavaRuntime java, Path appDir, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.java().toString());
        cmd.addAll(archiveOptions(java, appDir));
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(appDir.resolve(APP_JAR).toString());
        return cmd;
    }

    /**
     * @param java the runtime
     * @param appDir the function directory
     * @return the JVM options that map this runtime's archive: one option when the archive exists, else none
     */
    public static List<String> archiveOptions(JavaRuntime java, Path appDir) {
        Path archive = archive(java, appDir);
        return archive != null && Files.isRegularFile(archive) ? List.of(java.archiveKind().readFlag() + archive) : List.of();
    }

    /**
     * The command that runs training mode and writes this runtime's archive when it exits.
     *
     * @param java the runtime
     * @param appDir the function directory
     * @param rounds training rounds (each sends the warm-up event in every mode)
     * @return the command line
     * @throws IllegalStateException when the runtime cannot write an archive
     */
    public static List<String> train(JavaRuntime java, Path appDir, int rounds) {
        Path archive = archive(java, appDir);
        if (archive == null) {
            throw new IllegalStateException("Java " + java.feature() + " at " + java.home()
                    + " cannot write a class archive; use JDK 13 or later");
        }
        return List.of(java.java().toString(), java.archiveKind().writeFlag() + archive,
                "-jar", appDir.resolve(APP_JAR).toString(), "--train=" + rounds);
    }
}
