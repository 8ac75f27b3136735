package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
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

        assertThat(ClassPathFacts.trained(app)).isEqualTo(facts);
        assertThat(Files.readString(dir.resolve(ClassPathFacts.FILE))).contains("jar=2 ").contains("lib/b.jar");

        Path b = lib.resolve("b.jar");
        Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() - 1000));
        assertThat(ClassPathFacts.trained(app)).as("a jar's time changed").isNull();
        facts.write(dir, app);
        Files.writeString(b, "bbb");
        assertThat(ClassPathFacts.trained(app)).as("a jar's size changed").isNull();
        facts.write(dir, app);
        Files.delete(lib.resolve("a.jar"));
        assertThat(ClassPathFacts.trained(app)).as("a jar is gone").isNull();
        assertThat(ClassPathFacts.trained(lib.resolve("b.jar"))).as("no facts").isNull();
    }

    /** The facts belong to the jar training ran, not to its directory: {@code java -jar other.jar} looks again. */
    @Test
    void factsAreForTheJarTrainingRanOnly() throws Exception {
        Path app = jar(dir.resolve("app.jar"), "1");
        Path other = Files.copy(app, dir.resolve("other.jar"));
        ClassPathFacts facts = new ClassPathFacts(List.of("com.example.Fn"), false, List.of());
        facts.write(dir, app);
        assertThat(ClassPathFacts.trained(app)).isEqualTo(facts);
        assertThat(ClassPathFacts.trained(other)).as("another jar in the same directory").isNull();
    }

    /**
     * Kiln's images give every file the epoch as its time, so size and time alone take a rebuilt jar of the same size
     * for the one training saw; its central directory tells them apart.
     */
    @Test
    void aJarRebuiltWithTheSameSizeAndTimeIsAnotherJar() throws Exception {
        Path app = jar(dir.resolve("app.jar"), "1");
        FileTime epoch = FileTime.fromMillis(0);
        Files.setLastModifiedTime(app, epoch);
        ClassPathFacts facts = new ClassPathFacts(List.of("com.example.Fn"), false, List.of());
        facts.write(dir, app);
        assertThat(ClassPathFacts.trained(app)).isEqualTo(facts);
        long size = Files.size(app);
        jar(app, "2");
        Files.setLastModifiedTime(app, epoch);
        assertThat(Files.size(app)).isEqualTo(size);
        assertThat(ClassPathFacts.trained(app)).isNull();
    }

    @Test
    void aJarsContentIdIsItsCentralDirectorysAndNotAZipHasNone() throws Exception {
        Path a = jar(dir.resolve("a.jar"), "1");
        Path b = jar(dir.resolve("b.jar"), "2");
        assertThat(ClassPathFacts.contentId(a.toFile())).isNotEqualTo(-1L).isEqualTo(ClassPathFacts.contentId(jar(dir.resolve("c.jar"), "1").toFile()))
                .isNotEqualTo(ClassPathFacts.contentId(b.toFile()));
        assertThat(ClassPathFacts.contentId(Files.writeString(dir.resolve("text.jar"), "not a zip").toFile())).isEqualTo(-1L);
        assertThat(ClassPathFacts.contentId(dir.resolve("missing.jar").toFile())).isEqualTo(-1L);
    }

    /**
     * The identity is the directory's, read in pieces: a comment after the end record does not change it (found by
     * the slow path), and a change in the last of many entries does (the directory is larger than the read buffer).
     */
    @Test
    void aJarsContentIdCoversAWholeLargeDirectoryAndIgnoresAComment() throws Exception {
        Path many = jar(dir.resolve("many.jar"), "1", 400, null);
        assertThat(ClassPathFacts.contentId(many.toFile())).isNotEqualTo(-1L)
                .isEqualTo(ClassPathFacts.contentId(jar(dir.resolve("commented.jar"), "1", 400, "built by a test").toFile()))
                .isNotEqualTo(ClassPathFacts.contentId(jar(dir.resolve("last-differs.jar"), "2", 400, null).toFile()));
    }

    /**
     * Everything allocated before the first reply is heap the process touches, resident memory the cold start
     * reports (issue 22): checking the jars must not allocate a buffer per jar (it was 64 KiB of tail each, then the
     * whole directory). Bytes are counted by the JVM per thread, so the figure is exact, not a timing.
     */
    @Test
    void checkingTheJarsAllocatesOneSmallBufferNotOnePerJar() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        StringBuilder classPath = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            jar(lib.resolve(i + ".jar"), "x".repeat(100_000) + i, 50, null);
            classPath.append("lib/").append(i).append(".jar ");
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
        Path app = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(app)) {
            new JarOutputStream(out, manifest).close();
        }
        new ClassPathFacts(List.of("com.example.Fn"), false, List.of()).write(dir, app);
        assertThat(ClassPathFacts.trained(app)).isNotNull(); // once, so class loading is not counted below

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThat(ClassPathFacts.trained(app)).isNotNull();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated to check 9 jars of over 64 KiB").isLessThan(64 * 1024);
    }

    /** A jar with one stored entry of a fixed time: same content, same bytes. */
    private static Path jar(Path path, String content) throws Exception {
        return jar(path, content, 1, null);
    }

    /** A jar of {@code entries} stored entries of a fixed time, the last one holding {@code content}. */
    private static Path jar(Path path, String content, int entries, String comment) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(path))) {
            for (int i = 1; i < entries; i++) {
                out.putNextEntry(stored("filler-" + i + ".txt", new byte[0]));
                out.closeEntry();
            }
            byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.putNextEntry(stored("x.txt", bytes));
            out.write(bytes);
            out.closeEntry();
            if (comment != null) {
                out.setComment(comment);
            }
        }
        return path;
    }

    private static JarEntry stored(String name, byte[] bytes) {
        JarEntry entry = new JarEntry(name);
        entry.setMethod(JarEntry.STORED);
        entry.setSize(bytes.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        entry.setTime(0);
        return entry;
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
