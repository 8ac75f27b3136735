package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.function.runtime.FunctionMain;
import dev.kiln.function.testing.FunctionTester;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK's public surface: what a function and its tests may use. The runtime is reached only through its
 * entry point, so it can change without breaking a user's build.
 */
class SurfaceTest {

    @Test
    void theRuntimesOnlyPublicClassIsItsEntryPoint() throws Exception {
        assertThat(publicClasses("dev/kiln/function/runtime")).containsExactly(FunctionMain.class.getName());
    }

    /** What generated code and javac need; nothing a function's own code would call. */
    @Test
    void theCodecPackageHoldsOnlyWhatGeneratedCodeUses() throws Exception {
        assertThat(publicClasses("dev/kiln/function/codec")).containsExactly("dev.kiln.function.codec.CodecProcessor",
                "dev.kiln.function.codec.FunctionCodec", "dev.kiln.function.codec.JsonReader", "dev.kiln.function.codec.JsonWriter");
    }

    @Test
    void theTesterSpeaksOnlyInPublicTypes() {
        for (Method m : FunctionTester.class.getMethods()) {
            for (Class<?> type : Stream.concat(Stream.of(m.getReturnType()), Stream.of(m.getParameterTypes())).toList()) {
                assertThat(type.getName()).as("%s uses %s", m, type).doesNotStartWith("dev.kiln.function.runtime.");
            }
        }
    }

    private static List<String> publicClasses(String packageDir) throws IOException {
        Path classes = Path.of(URI.create(FunctionMain.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        try (Stream<Path> files = Files.list(classes.resolve(packageDir))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".class") && !f.equals("package-info.class"))
                    .map(f -> packageDir.replace('/', '.') + "." + f.substring(0, f.length() - ".class".length()))
                    .filter(SurfaceTest::isPublic).sorted().toList();
        }
    }

    private static boolean isPublic(String className) {
        try {
            return Modifier.isPublic(Class.forName(className, false, SurfaceTest.class.getClassLoader()).getModifiers());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
