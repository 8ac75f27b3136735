package dev.kiln.local.worktree.launcher;

import dev.kiln.function.runtime.FunctionMain;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Starts a working-tree function with its classes apart from its jars: {@code ClassesMain CLASSES_DIR [--train[=N]]}
 * on a class path of the function's dependency jars. The classes directory is read by a class loader of its own,
 * made the context class loader the SDK finds the function through, so the class path is the same for every edit
 * of the function: a class archive trained once for the jars keeps mapping into the JVM of every later version
 * (an archive records the class path it was trained with, and may not hold a directory). This class is copied
 * alone into a small jar at the end of that class path ({@code ClassesLaunch}).
 */
public final class ClassesMain {

    private ClassesMain() {
    }

    /**
     * @param args the classes directory, then the SDK's own arguments
     * @throws Exception what the function's start throws
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ClassesMain CLASSES_DIR [--train[=N]]");
            System.exit(2);
        }
        URL classes = Path.of(args[0]).toUri().toURL();
        URLClassLoader loader = new URLClassLoader("function", new URL[] {classes}, ClassesMain.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        FunctionMain.main(Arrays.copyOfRange(args, 1, args.length));
    }
}
