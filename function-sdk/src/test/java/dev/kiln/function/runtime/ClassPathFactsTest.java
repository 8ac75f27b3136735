package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training's facts are used while every jar is the one training saw, and never after. */
class ClassPathFactsTest {

    @TempDir
    Path dir;

    @Test
    void factsAreReadBackWhileTheJarsAreUnchangedOnly() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("a.jar"), "a");
        Files.writeString(lib.resolve("b.jar"), "bb");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/a.jar lib/b.jar");
        Path app = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(app)) {
            new JarOutputStream(out, manifest).close();
        }
        ClassPathFacts facts = new ClassPathFacts(List.of("com.example.Fn"), false, List.of("com.example.Module"));
        facts.write(dir, app);

        assertThat(ClassPathFacts.trained(dir)).isEqualTo(facts);
        assertThat(Files.readString(dir.resolve(ClassPathFacts.FILE))).contains("jar=2 ").contains("lib/b.jar");

        Path b = lib.resolve("b.jar");
        Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() - 1000));
        assertThat(ClassPathFacts.trained(dir)).as("a jar's time changed").isNull();
        facts.write(dir, app);
        Files.writeString(b, "bbb");
        assertThat(ClassPathFacts.trained(dir)).as("a jar's size changed").isNull();
        facts.write(dir, app);
        Files.delete(lib.resolve("a.jar"));
        assertThat(ClassPathFacts.trained(dir)).as("a jar is gone").isNull();
        assertThat(ClassPathFacts.trained(dir.resolve("lib"))).as("no facts").isNull();
    }

    @Test
    void onlyModulesThatLeavePlainTypesAloneKeepTheCodecs() {
        assertThat(new ClassPathFacts(List.of(), false, List.of()).codecsAgreeWithJackson()).isTrue();
        assertThat(new ClassPathFacts(List.of(), false, List.of("com.fasterxml.jackson.datatype.jsr310.JavaTimeModule",
                "com.fasterxml.jackson.datatype.jdk8.Jdk8Module")).codecsAgreeWithJackson()).isTrue();
        assertThat(new ClassPathFacts(List.of(), false, List.of("com.example.NamingModule")).codecsAgreeWithJackson()).isFalse();
    }

    @Test
    void lookingUpFindsTheTestClassPathsRegistrations() {
        ClassPathFacts facts = ClassPathFacts.lookUp(getClass().getClassLoader(), true);
        assertThat(facts.validators()).isFalse();
        assertThat(facts.functions()).isEmpty(); // the fixtures are found by KILN_FUNCTION, never registered
    }
}
