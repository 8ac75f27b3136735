package dev.kiln.local.worktree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The {@code javac} options under which compiling a working tree in this process gives exactly what Maven gave.
 * Kiln does not read the pom's compiler configuration (parents, profiles, plugin defaults): after a full build it
 * compiles every source itself with a few candidate option sets and keeps the first whose class files are
 * byte-for-byte Maven's, and checks that Maven's resources are the project's files as they are (no filtering).
 * When nothing matches (processors outside the class path, other source roots, filtered resources, another
 * JDK under Maven...), edits are built by Maven instead: slower, never different. Annotation processors on the
 * class path (the SDK's codec generator) run in both.
 *
 * @param options the options
 * @param outputs for each source (relative to the project), the class files it compiles to (relative to the classes
 *     directory)
 */
record CompileSettings(List<String> options, Map<Path, Set<String>> outputs) {

    /** Where a project's Java sources and resources are. */
    static final Path JAVA = Path.of("src", "main", "java");
    static final Path RESOURCES = Path.of("src", "main", "resources");

    /**
     * @param javac the compiler to try with (kept open: it is warm for the edits that follow)
     * @param project the working tree
     * @param mavenClasses what Maven compiled and copied there ({@code target/classes})
     * @param classPath the dependency jars
     * @param scratch a directory to compile into (emptied)
     * @return the settings, or empty with the reason given to {@code why}
     * @throws IOException when files cannot be read or written
     */
    static Optional<CompileSettings> derive(Javac javac, Path project, Path mavenClasses, List<Path> classPath, Path scratch,
            java.util.function.Consumer<String> why) throws IOException {
        String resources = sameResources(project.resolve(RESOURCES), mavenClasses);
        if (resources != null) {
            why.accept(resources);
            return Optional.empty();
        }
        List<Path> sources = sources(project.resolve(JAVA));
        List<Path> classes = relativeFiles(mavenClasses, ".class");
        if (classes.isEmpty()) {
            why.accept("Maven compiled no classes");
            return Optional.empty();
        }
        int release = majorVersion(mavenClasses.resolve(classes.get(0))) - 44;
        List<String> base = List.of("-g", "--release", Integer.toString(release), "-encoding", "UTF-8");
        // -proc:full: what the SDK's template asks of Maven, so JDK 23+ runs the SDK's codec generator as JDK 17 does.
        List<List<String>> candidates = List.of(base, concat(base, "-parameters"), concat(base, "-proc:full"),
                concat(concat(base, "-parameters"), "-proc:full"));
        for (List<String> options : candidates) {
            deleteTree(scratch);
            Files.createDirectories(scratch);
            Javac.Result result;
            try {
                result = javac.compile(sources, classPath, scratch, options);
            } catch (IllegalArgumentException unknownOption) {
                continue; // -proc:full before JDK 17.0.11
            }
            if (result.ok() && sameClasses(mavenClasses, classes, scratch)) {
                deleteTree(scratch);
                Map<Path, Set<String>> outputs = new java.util.HashMap<>();
                result.outputs().forEach((source, written) -> outputs.put(project.relativize(source), written));
                return Optional.of(new CompileSettings(options, Map.copyOf(outputs)));
            }
        }
        deleteTree(scratch);
        why.accept("no javac options tried (" + candidates + ") give Maven's class files");
        return Optional.empty();
    }

    private static List<String> concat(List<String> base, String option) {
        List<String> all = new ArrayList<>(base);
        all.add(option);
        return all;
    }

    /** @return null when Maven's non-class files are the resources directory's files, else what differs */
    private static String sameResources(Path resources, Path mavenClasses) throws IOException {
        Set<Path> copied = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(mavenClasses)) {
            walk.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".class")).forEach(f -> copied.add(mavenClasses.relativize(f)));
        }
        Set<Path> own = new TreeSet<>();
        if (Files.isDirectory(resources)) {
            try (Stream<Path> walk = Files.walk(resources)) {
                walk.filter(Files::isRegularFile).forEach(f -> own.add(resources.relativize(f)));
            }
        }
        if (!copied.equals(own)) {
            return "Maven's resources are not src/main/resources as it is (other directories, or files left out)";
        }
        for (Path r : own) {
            if (Files.mismatch(resources.resolve(r), mavenClasses.resolve(r)) != -1) {
                return "Maven filters " + r + " (resources are copied as they are only when not filtered)";
            }
        }
        return null;
    }

    private static boolean sameClasses(Path mavenClasses, List<Path> classes, Path ours) throws IOException {
        if (!relativeFiles(ours, ".class").equals(classes)) {
            return false;
        }
        for (Path c : classes) {
            if (!Arrays.equals(Files.readAllBytes(mavenClasses.resolve(c)), Files.readAllBytes(ours.resolve(c)))) {
                return false;
            }
        }
        return true;
    }

    private static int majorVersion(Path classFile) throws IOException {
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(classFile)) {
            if (in.readNBytes(head, 0, 8) < 8) {
                throw new IOException(classFile + " is not a class file");
            }
        }
        return ((head[6] & 0xff) << 8) | (head[7] & 0xff);
    }

    /** @return the Java sources under a directory, sorted */
    static List<Path> sources(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** @return the files under a directory with that suffix, relative to it, sorted */
    static List<Path> relativeFiles(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).map(dir::relativize).sorted().toList();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
