package dev.kiln.local.worktree;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * The JDK's compiler in this process ({@code javax.tools}): a warm {@code javac} compiles a few changed files of a
 * function in a fraction of the time a Maven run takes to start. Records which class files each source wrote, so
 * the next edit can delete what a source no longer declares. One instance keeps its file manager between
 * compilations, so the dependency jars and the JDK's {@code ct.sym} ({@code --release}) stay open and indexed.
 */
final class Javac implements AutoCloseable {

    /**
     * What a compilation did.
     *
     * @param ok whether it succeeded
     * @param errors the errors as javac prints them, {@code path:line:column: error: message} and the message's detail
     *     lines ({@code symbol: ...}, {@code location: ...}); paths relative to the working directory, where the user runs
     *     {@code kiln dev} (so a terminal or an editor opens them), or absolute when the file is not under it
     * @param outputs for each compiled source, the class files it wrote, relative to the output directory
     */
    record Result(boolean ok, List<String> errors, Map<Path, Set<String>> outputs) {
    }

    private final JavaCompiler compiler;
    private final StandardJavaFileManager files;

    /** @throws IllegalStateException when this JVM has no compiler (a JRE) */
    Javac() {
        compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this JVM (a JRE?): Kiln compiles edits with the JDK's");
        }
        files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    }

    /** @return whether this JVM has a compiler (a JDK, not a JRE) */
    static boolean available() {
        return ToolProvider.getSystemJavaCompiler() != null;
    }

    /**
     * @param sources the files to compile (absolute)
     * @param classPath what they compile against; the output directory is added behind it
     * @param out where class files go; sources annotation processors write go to a directory beside it, deleted
     *     afterwards (their classes are in {@code out})
     * @param options javac's options (release, debug information, encoding...)
     * @return the outcome; the outputs of generated sources are not recorded (they are written again whenever the
     *     source they come from compiles)
     * @throws IllegalArgumentException when javac does not know an option
     * @throws IOException when the files cannot be read or written
     */
    synchronized Result compile(List<Path> sources, List<Path> classPath, Path out, List<String> options) throws IOException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<Path, Set<String>> outputs = new HashMap<>();
        Path generated = out.resolveSibling(out.getFileName() + ".generated");
        java.nio.file.Files.createDirectories(generated);
        try {
            List<File> cp = new ArrayList<>();
            classPath.forEach(p -> cp.add(p.toFile()));
            cp.add(out.toFile());
            files.setLocation(StandardLocation.CLASS_PATH, cp);
            files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
            files.setLocation(StandardLocation.SOURCE_PATH, List.of());
            files.setLocation(StandardLocation.SOURCE_OUTPUT, List.of(generated.toFile()));
            ForwardingJavaFileManager<StandardJavaFileManager> recording = new ForwardingJavaFileManager<>(files) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling)
                        throws IOException {
                    Path source = sibling == null ? null : Path.of(sibling.toUri());
                    if (source != null && kind == JavaFileObject.Kind.CLASS && !source.startsWith(generated)) {
                        outputs.computeIfAbsent(source, s -> new HashSet<>()).add(className.replace('.', '/') + ".class");
                    }
                    return super.getJavaFileForOutput(location, className, kind, sibling);
                }
            };
            List<String> args = new ArrayList<>(options);
            args.add("-implicit:none");
            StringWriter ignored = new StringWriter();
            boolean ok = compiler.getTask(ignored, recording, diagnostics, args, null, files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    String where = d.getSource() == null ? "" : relative(Path.of(d.getSource().toUri())) + ":" + d.getLineNumber()
                            + ":" + d.getColumnNumber() + ": ";
                    errors.add(where + "error: " + d.getMessage(Locale.ROOT));
                }
            }
            return new Result(ok, errors, outputs);
        } finally {
            CompileSettings.deleteTree(generated);
        }
    }

    @Override
    public void close() throws IOException {
        files.close();
    }

    private static String relative(Path file) {
        Path here = Path.of("").toAbsolutePath();
        return file.startsWith(here) ? here.relativize(file).toString() : file.toString();
    }
}
