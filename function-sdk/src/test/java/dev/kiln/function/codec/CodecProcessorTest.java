package dev.kiln.function.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.StringWriter;
import java.lang.reflect.ParameterizedType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compiles functions with the processor as a user's build would, and checks what it generates and says. */
class CodecProcessorTest {

    @TempDir
    Path dir;

    static Stream<Arguments> functions() {
        String imports = "import dev.kiln.function.*; import java.util.*; ";
        return Stream.of(
                arguments("record in and out", imports
                        + "public class Fn implements CloudFunction<Fn.In, Fn.Out> { public record In(String a) {} public record Out(int b) {}"
                        + " public Out apply(In in, Context c) { return null; } }", "readsInput() {\n        return true", null),
                arguments("through a generic superclass", imports
                        + "public class Fn extends Base<Fn.In> { public record In(String a) {} }"
                        + " abstract class Base<T> implements CloudFunction<T, String> { public String apply(T in, Context c) { return null; } }",
                        "return \"In\";", null),
                arguments("raw event in, nothing out", imports + "import io.cloudevents.CloudEvent; "
                        + "public class Fn implements CloudFunction<CloudEvent, Void> { public Void apply(CloudEvent in, Context c) { return null; } }",
                        "return java.lang.Void.class;", null),
                arguments("bytes in", imports
                        + "public class Fn implements CloudFunction<byte[], String> { public String apply(byte[] in, Context c) { return null; } }",
                        "return byte[].class;", null),
                arguments("an inner (not static) class is left to Jackson, with a note", imports
                        + "public class Fn implements CloudFunction<Fn.In, String> { public class In { public String a; }"
                        + " public String apply(In in, Context c) { return null; } }", "readsInput() {\n        return false",
                        "is an inner class"),
                arguments("annotated fields are left to Jackson, with a note", imports
                        + "public class Fn implements CloudFunction<Fn.In, String> { public record In(@Deprecated String a, @Ann String b) {}"
                        + " @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME) @interface Ann {}"
                        + " public String apply(In in, Context c) { return null; } }", "readsInput() {\n        return false", "has annotations Jackson reads"),
                arguments("annotations on an interface are Jackson's too, with a note", imports
                        + "public class Fn implements CloudFunction<Fn.In, String> { public record In(String a) implements Named {}"
                        + " @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME)"
                        + " public interface Named {} public String apply(In in, Context c) { return null; } }",
                        "readsInput() {\n        return false", "p.Fn.Named has annotations Jackson reads"),
                arguments("a static @JsonCreator factory is Jackson's way to build the value, with a note", imports
                        + "public class Fn implements CloudFunction<Fn.In, String> { public record In(String a) {"
                        + " @com.fasterxml.jackson.annotation.JsonCreator public static In of(String a) { return new In(a); } }"
                        + " public String apply(In in, Context c) { return null; } }",
                        "readsInput() {\n        return false", "p.Fn.In.of has annotations Jackson reads"),
                arguments("a map is left to Jackson, with a note", imports
                        + "public class Fn implements CloudFunction<Map<String, String>, String> {"
                        + " public String apply(Map<String, String> in, Context c) { return null; } }",
                        "return \"java.util.Map<java.lang.String, java.lang.String>\";", "is generic"),
                arguments("a generic function is left to reflection", imports
                        + "public class Fn<T> implements CloudFunction<T, String> { public String apply(T in, Context c) { return null; } }", null, null),
                arguments("Object in is left to reflection (JSON trees)", imports
                        + "public class Fn implements CloudFunction<Object, String> { public String apply(Object in, Context c) { return null; } }", null, null),
                arguments("an abstract function gets none", imports
                        + "public abstract class Fn implements CloudFunction<String, String> { }", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void generates(String name, String source, String generated, String note) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/p"));
        Files.writeString(src.resolve("Fn.java"), "package p; " + source);
        Path out = Files.createDirectories(dir.resolve("out"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-s", out.toString(), "-proc:full",
                    "-processor", CodecProcessor.class.getName(), "-cp", System.getProperty("java.class.path")));
            boolean ok = javac.getTask(new StringWriter(), files, diagnostics, options, null,
                    files.getJavaFileObjects(src.resolve("Fn.java"))).call();
            assertThat(ok).as(diagnostics.getDiagnostics().toString()).isTrue();
        }
        Path codec = out.resolve("p/Fn_KilnCodec.java");
        if (generated == null) {
            assertThat(codec).doesNotExist();
        } else {
            assertThat(codec).content().contains(generated);
            assertThat(out.resolve("p/Fn_KilnCodec.class")).as("the generated codec compiles").exists();
        }
        List<String> notes = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(Locale.ROOT)).filter(m -> m.startsWith("Kiln:")).toList();
        if (note == null) {
            assertThat(notes).isEmpty();
        } else {
            assertThat(notes).anyMatch(m -> m.contains(note));
        }
    }

    /**
     * {@code p.Outer$Fn} and {@code p.Outer_Fn} once both got {@code p.Outer_Fn_KilnCodec}: the second was skipped, and
     * the runtime handed the first's codec to both, so one of them read its input as the other's type.
     */
    @Test
    void functionsWhoseNamesDifferOnlyByDollarAndUnderscoreGetTheirOwnCodecs() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/p"));
        String imports = "package p; import dev.kiln.function.*; ";
        Files.writeString(src.resolve("Outer.java"), imports + "public class Outer { public record A(String a) {}"
                + " public static class Fn implements CloudFunction<A, A> { public A apply(A in, Context c) { return in; } } }");
        Files.writeString(src.resolve("Outer_Fn.java"), imports + "public class Outer_Fn implements CloudFunction<Outer_Fn.B, Outer_Fn.B> {"
                + " public record B(int b) {} public B apply(B in, Context c) { return in; } }");
        Path out = Files.createDirectories(dir.resolve("out"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            boolean ok = javac.getTask(new StringWriter(), files, diagnostics, List.of("-d", out.toString(), "-s", out.toString(), "-proc:full",
                    "-processor", CodecProcessor.class.getName(), "-cp", System.getProperty("java.class.path")), null,
                    files.getJavaFileObjects(src.resolve("Outer.java"), src.resolve("Outer_Fn.java"))).call();
            assertThat(ok).as(diagnostics.getDiagnostics().toString()).isTrue();
        }
        assertThat(diagnostics.getDiagnostics()).noneMatch(d -> d.getKind() == Diagnostic.Kind.WARNING);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            for (String function : List.of("p.Outer$Fn", "p.Outer_Fn")) {
                Class<?> fn = loader.loadClass(function);
                FunctionCodec codec = (FunctionCodec) loader.loadClass(FunctionCodec.nameFor(fn.getName())).getDeclaredConstructor().newInstance();
                Class<?> input = (Class<?>) ((ParameterizedType) fn.getGenericInterfaces()[0]).getActualTypeArguments()[0];
                assertThat(codec.inputClass()).as("the codec the runtime finds for " + function).isEqualTo(input);
                assertThat(codec.functionClass()).isEqualTo(fn);
            }
        }
    }
}
