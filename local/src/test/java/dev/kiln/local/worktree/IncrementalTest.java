package dev.kiln.local.worktree;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits compiled in process: the options found by comparing with what "Maven" compiled (here javac run as
 * maven-compiler-plugin runs it), then changes compiled with their dependents, deletions, errors and resources.
 */
class IncrementalTest {

    static final List<String> MAVENS = List.of("-g", "--release", "17", "-encoding", "UTF-8");

    static final Javac javac = new Javac();

    @TempDir
    Path dir;
    Path project;
    Path maven;

    @BeforeEach
    void project() throws Exception {
        project = dir.resolve("project");
        write("src/main/java/p/A.java", "package p; public class A { public static final String GREETING = \"hi\"; }");
        write("src/main/java/p/B.java", "package p; public class B { public static String greet() { return A.GREETING; } }");
        write("src/main/java/p/C.java", "package p; class C { static class Inner { } }");
        write("src/main/java/q/D.java", "package q; public class D { public static String greet() { return p.B.greet() + \"!\"; } }");
        write("src/main/java/q/E.java", "package q; public class E { public static int twice(int n) { return 2 * n; } }");
        write("src/main/resources/r.txt", "one");
        maven = dir.resolve("target/classes");
        mavenCompile(MAVENS);
    }

    void write(String path, String text) throws Exception {
        Files.createDirectories(project.resolve(path).getParent());
        Files.writeString(project.resolve(path), text);
    }

    /** What maven-compiler-plugin and maven-resources-plugin leave in target/classes. */
    void mavenCompile(List<String> options) throws Exception {
        CompileSettings.deleteTree(maven);
        Files.createDirectories(maven);
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-d", maven.toString()));
        CompileSettings.sources(project.resolve("src/main/java")).forEach(p -> args.add(p.toString()));
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new))).isZero();
        Files.copy(project.resolve("src/main/resources/r.txt"), maven.resolve("r.txt"));
    }

    CompileSettings derive() throws Exception {
        List<String> why = new ArrayList<>();
        Optional<CompileSettings> settings = CompileSettings.derive(javac, project, maven, List.of(), dir.resolve("scratch"), why::add);
        assertThat(settings).as(String.join("; ", why)).isPresent();
        return settings.get();
    }

    static String call(Path classes, String className) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            return (String) loader.loadClass(className).getMethod("greet").invoke(null);
        }
    }

    @Test
    void theOptionsAreThoseThatGiveMavensClassFiles() throws Exception {
        assertThat(derive().options()).isEqualTo(MAVENS);
        assertThat(derive().outputs()).containsEntry(Path.of("src/main/java/p/C.java"), Set.of("p/C.class", "p/C$Inner.class"));
        mavenCompile(List.of("-g", "--release", "17", "-encoding", "UTF-8", "-parameters"));
        assertThat(derive().options()).contains("-parameters");
    }

    @Test
    void nothingMatchesWhenMavenCompiledOtherwiseOrFilteredResources() throws Exception {
        List<String> why = new ArrayList<>();
        mavenCompile(List.of("-g:none", "--release", "17"));
        assertThat(CompileSettings.derive(javac, project, maven, List.of(), dir.resolve("scratch"), why::add)).isEmpty();
        assertThat(why).singleElement().asString().startsWith("no javac options tried");
        mavenCompile(MAVENS);
        Files.writeString(maven.resolve("r.txt"), "filtered");
        why.clear();
        assertThat(CompileSettings.derive(javac, project, maven, List.of(), dir.resolve("scratch"), why::add)).isEmpty();
        assertThat(why).singleElement().asString().contains("Maven filters r.txt");
    }

    @Test
    void aChangedConstantRecompilesWhatReadsItTransitively() throws Exception {
        Incremental incremental = new Incremental(javac, project, List.of(), derive());
        write("src/main/java/p/A.java", "package p; public class A { public static final String GREETING = \"hello\"; }");
        Path next = dir.resolve("v2");
        Incremental.Result result = incremental.apply(maven, next, Set.of(Path.of("src/main/java/p/A.java")));
        assertThat(result.ok()).isTrue();
        // B inlined the constant; D names B. C and E name none of them.
        assertThat(result.compiled()).containsExactlyInAnyOrder(Path.of("src/main/java/p/A.java"), Path.of("src/main/java/p/B.java"),
                Path.of("src/main/java/q/D.java"));
        assertThat(call(next, "q.D")).isEqualTo("hello!");
        assertThat(call(maven, "q.D")).as("the serving version is untouched").isEqualTo("hi!");
    }

    @Test
    void aDeletedSourceTakesItsClassesAlongAndResourcesFollow() throws Exception {
        Incremental incremental = new Incremental(javac, project, List.of(), derive());
        Files.delete(project.resolve("src/main/java/p/C.java"));
        write("src/main/resources/r.txt", "two");
        write("src/main/resources/new.txt", "new");
        Path next = dir.resolve("v2");
        Incremental.Result result = incremental.apply(maven, next, Set.of(Path.of("src/main/java/p/C.java"),
                Path.of("src/main/resources/r.txt"), Path.of("src/main/resources/new.txt")));
        assertThat(result.ok()).isTrue();
        assertThat(next.resolve("p/C.class")).doesNotExist();
        assertThat(next.resolve("p/C$Inner.class")).doesNotExist();
        assertThat(next.resolve("p/A.class")).isRegularFile();
        assertThat(next.resolve("r.txt")).hasContent("two");
        assertThat(next.resolve("new.txt")).hasContent("new");
        incremental.accept(result);
        Files.delete(project.resolve("src/main/resources/new.txt"));
        Path after = dir.resolve("v3");
        assertThat(incremental.apply(next, after, Set.of(Path.of("src/main/resources/new.txt"))).ok()).isTrue();
        assertThat(after.resolve("new.txt")).doesNotExist();
    }

    @Test
    void aCompileErrorSaysFileLineAndColumnAsJavacDoes() throws Exception {
        Incremental incremental = new Incremental(javac, project, List.of(), derive());
        write("src/main/java/q/E.java", "package q;\npublic class E {\n  int x = ;\n}\n");
        Incremental.Result result = incremental.apply(maven, dir.resolve("v2"), Set.of(Path.of("src/main/java/q/E.java")));
        assertThat(result.ok()).isFalse();
        // The project (a temporary directory) is not under the working directory: the path is absolute, so it opens.
        assertThat(result.errors()).singleElement().asString()
                .startsWith(project.resolve("src/main/java/q/E.java").toAbsolutePath() + ":3:11: error: illegal start of expression");
    }

    @Test
    void aCompileErrorKeepsJavacsDetailLines() throws Exception {
        Incremental incremental = new Incremental(javac, project, List.of(), derive());
        write("src/main/java/q/S.java", "package q;\npublic class S {\n  int x = \"a\".lengt();\n}\n");
        Incremental.Result result = incremental.apply(maven, dir.resolve("v2"), Set.of(Path.of("src/main/java/q/S.java")));
        assertThat(result.ok()).isFalse();
        String error = result.errors().get(0);
        assertThat(error).startsWith(project.resolve("src/main/java/q/S.java").toAbsolutePath() + ":3:14: error: cannot find symbol")
                .contains("symbol:   method lengt()", "location: class java.lang.String");
        assertThat(TreeFunction.oneLine(error)).as("the status row's form")
                .endsWith(":3:14: error: cannot find symbol (symbol: method lengt(); location: class java.lang.String)");
    }

    @Test
    void aNewSourceIsCompiledAndTheNextEditKnowsItsClasses() throws Exception {
        Incremental incremental = new Incremental(javac, project, List.of(), derive());
        write("src/main/java/q/F.java", "package q; public class F { public static String greet() { return \"f\"; } class G { } }");
        Path next = dir.resolve("v2");
        Incremental.Result result = incremental.apply(maven, next, Set.of(Path.of("src/main/java/q/F.java")));
        assertThat(result.ok()).isTrue();
        incremental.accept(result);
        write("src/main/java/q/F.java", "package q; public class F { public static String greet() { return \"f2\"; } }");
        Path after = dir.resolve("v3");
        assertThat(incremental.apply(next, after, Set.of(Path.of("src/main/java/q/F.java"))).ok()).isTrue();
        assertThat(call(after, "q.F")).isEqualTo("f2");
        assertThat(after.resolve("q/F$G.class")).as("what F no longer declares").doesNotExist();
        try (Stream<Path> files = Files.walk(after)) {
            assertThat(files.filter(f -> f.toString().endsWith(".java"))).as("no generated sources among the classes").isEmpty();
        }
    }
}
