package dev.kiln.local.worktree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An edit compiled into a new classes directory: the previous version's classes, with what the changed sources
 * compile to instead of what they compiled to before, and the changed resources. Only the changed sources are
 * compiled, and the sources that name one of their classes, transitively: a constant or a signature they read may
 * have changed (javac inlines constants). Naming is read as text (a class's simple name as a word), which may
 * compile a file too many, never one too few.
 */
final class Incremental {

    /**
     * @param ok whether it compiled
     * @param errors javac's errors, {@code path:line: error: message}
     * @param compiled the sources compiled (relative to the project)
     * @param outputs what every source compiles to once this version serves ({@link #accept})
     */
    record Result(boolean ok, List<String> errors, Set<Path> compiled, Map<Path, Set<String>> outputs) {
    }

    private final Javac javac;
    private final Path project;
    private final List<Path> classPath;
    private final List<String> options;
    private Map<Path, Set<String>> outputs;

    /**
     * @param javac the compiler (the one the settings were found with: it is warm)
     * @param project the working tree
     * @param classPath the dependency jars
     * @param settings the options, and what each source compiled to in the base version
     */
    Incremental(Javac javac, Path project, List<Path> classPath, CompileSettings settings) {
        this.javac = javac;
        this.project = project;
        this.classPath = List.copyOf(classPath);
        this.options = settings.options();
        this.outputs = new HashMap<>(settings.outputs());
    }

    /**
     * @param previous the classes directory serving
     * @param next a new directory (created)
     * @param changed the files that changed under {@code src/main/java} and {@code src/main/resources}, relative to
     *     the project; a file that no longer exists was deleted
     * @return what happened, not yet the state the next edit starts from ({@link #accept}); on failure {@code next} is
     *     to be deleted by the caller
     * @throws IOException when files cannot be read or written
     */
    Result apply(Path previous, Path next, Set<Path> changed) throws IOException {
        copyTree(previous, next);
        Set<Path> sources = new LinkedHashSet<>();
        Set<Path> deleted = new HashSet<>();
        for (Path p : changed) {
            if (p.startsWith(CompileSettings.JAVA) && p.toString().endsWith(".java")) {
                (Files.isRegularFile(project.resolve(p)) ? sources : deleted).add(p);
            } else if (p.startsWith(CompileSettings.RESOURCES)) {
                Path target = next.resolve(CompileSettings.RESOURCES.relativize(p).toString());
                if (Files.isRegularFile(project.resolve(p))) {
                    Files.createDirectories(target.getParent());
                    Files.copy(project.resolve(p), target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.deleteIfExists(target);
                }
            }
        }
        if (sources.isEmpty() && deleted.isEmpty()) {
            return new Result(true, List.of(), Set.of(), outputs);
        }
        addDependents(sources, deleted);
        Map<Path, Set<String>> after = new HashMap<>(outputs);
        for (Path p : union(sources, deleted)) {
            for (String classFile : after.getOrDefault(p, Set.of())) {
                Files.deleteIfExists(next.resolve(classFile));
            }
            after.remove(p);
        }
        if (sources.isEmpty()) {
            return new Result(true, List.of(), Set.of(), Map.copyOf(after)); // only deletions, which nothing names
        }
        List<Path> absolute = sources.stream().map(project::resolve).toList();
        Javac.Result result = javac.compile(absolute, classPath, next, options);
        if (!result.ok()) {
            return new Result(false, result.errors(), sources, outputs);
        }
        result.outputs().forEach((source, written) -> after.put(project.relativize(source), written));
        return new Result(true, List.of(), sources, Map.copyOf(after));
    }

    /**
     * The version compiled by a result serves: the next edit starts from what its sources compiled to.
     *
     * @param served a successful result of {@link #apply}
     */
    void accept(Result served) {
        outputs = new HashMap<>(served.outputs());
    }

    /** Adds every existing source that names a class of a changed or deleted one, until none is left to add. */
    private void addDependents(Set<Path> sources, Set<Path> deleted) throws IOException {
        Set<String> names = new HashSet<>();
        for (Path p : union(sources, deleted)) {
            names.addAll(simpleNames(p));
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(project.resolve(CompileSettings.JAVA))) {
            all = walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".java")).map(project::relativize).sorted().toList();
        }
        boolean grew = true;
        while (grew && !names.isEmpty()) {
            grew = false;
            Pattern named = Pattern.compile("\\b(" + String.join("|", names) + ")\\b");
            for (Path p : all) {
                if (!sources.contains(p) && named.matcher(Files.readString(project.resolve(p))).find()) {
                    sources.add(p);
                    grew |= names.addAll(simpleNames(p));
                }
            }
        }
    }

    /** The top-level class names a source declares: what it compiled to, or its file's name when new. */
    private Set<String> simpleNames(Path source) {
        Set<String> names = new HashSet<>();
        String file = source.getFileName().toString();
        names.add(Pattern.quote(file.substring(0, file.length() - ".java".length())));
        for (String classFile : outputs.getOrDefault(source, Set.of())) {
            String simple = classFile.substring(classFile.lastIndexOf('/') + 1, classFile.length() - ".class".length());
            names.add(Pattern.quote(simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple));
        }
        return names;
    }

    private static Set<Path> union(Set<Path> a, Set<Path> b) {
        Set<Path> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    static void copyTree(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(files::add);
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
                Files.createDirectories(target);
            } else {
                Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
