package dev.kiln.builder.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MavenCommandTest {

    static final MavenCommand MVN = new MavenCommand(List.of("/opt/mvn/bin/mvn"));

    @Test
    void offlineFirstWithTheSdkRepositoryChainedBehindTheUsers() {
        assertThat(MVN.packageCommand(true, List.of(Path.of("/kiln/sdk"), Path.of("/kiln/more")), null, false)).containsExactly(
                "/opt/mvn/bin/mvn", "-B", "-ntp", "-o", "-Dmaven.test.skip=true", "-Dmaven.repo.local.tail=/kiln/sdk,/kiln/more", "package");
    }

    @Test
    void onlineWithAnotherLocalRepository() {
        assertThat(MVN.packageCommand(false, List.of(), Path.of("/tmp/m2"), true)).containsExactly(
                "/opt/mvn/bin/mvn", "-B", "-ntp", "-Dmaven.test.skip=true", "-Dmaven.compiler.proc=full", "-Dmaven.repo.local=/tmp/m2", "package");
    }

    /** JDK 23+ runs the SDK's codec generator only when asked; older ones unasked (and may not know the option). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("javaHomes")
    void processorsAreAskedForWhereMavensJdkNeedsIt(String name, String release, boolean asked, @TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of();
        if (release != null) {
            Files.writeString(dir.resolve("release"), release);
            env = Map.of("JAVA_HOME", dir.toString());
        }
        assertThat(MavenCommand.needsProcessorsAsked(env)).isEqualTo(asked);
    }

    static Stream<Arguments> javaHomes() {
        return Stream.of(
                Arguments.of("JDK 25", "JAVA_VERSION=\"25.0.3\"\n", true),
                Arguments.of("JDK 23", "JAVA_VERSION=\"23\"\n", true),
                Arguments.of("JDK 21", "JAVA_VERSION=\"21.0.8\"\n", false),
                Arguments.of("JDK 17", "JAVA_VERSION=\"17.0.15\"\n", false),
                Arguments.of("not a JDK", "nothing here\n", false),
                Arguments.of("no JAVA_HOME", null, false));
    }

    @Test
    void kilnMavenWins(@TempDir Path dir) throws Exception {
        Path mvnw = executable(dir.resolve("mvnw"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("mvn"));
        assertThat(MavenCommand.locate(Map.of("KILN_MAVEN", mvnw.toString(), "PATH", bin.toString())).executable())
                .containsExactly(mvnw.toString());
    }

    @Test
    void mvnOnThePath(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvn = executable(bin.resolve("mvn"));
        assertThat(MavenCommand.locate(Map.of("PATH", empty + ":" + bin)).executable()).containsExactly(mvn.toString());
    }

    @Test
    void noMavenSaysWhatToDo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mvn"), "not executable");
        assertThatThrownBy(() -> MavenCommand.locate(Map.of("PATH", dir.toString())))
                .hasMessage("Maven not found: install Maven 3.9 or later, or set KILN_MAVEN to a Maven executable (Kiln's own ./mvnw works)");
        assertThatThrownBy(() -> MavenCommand.locate(Map.of("KILN_MAVEN", dir.resolve("mvn").toString())))
                .hasMessageContaining("is not an executable file");
    }

    @Test
    void mavenRunsAtC1UnlessTheUserChoseATier() {
        assertThat(MavenCommand.environment(Map.of())).isEqualTo(Map.of("MAVEN_OPTS", "-XX:TieredStopAtLevel=1"));
        assertThat(MavenCommand.environment(Map.of("MAVEN_OPTS", "-Xmx1g"))).isEqualTo(Map.of("MAVEN_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1"));
        assertThat(MavenCommand.environment(Map.of("MAVEN_OPTS", "-XX:TieredStopAtLevel=4"))).isEqualTo(Map.of("MAVEN_OPTS", "-XX:TieredStopAtLevel=4"));
    }

    static Stream<Arguments> offlineFailures() {
        return Stream.of(
                Arguments.of("missing dependency (maven 3.9)", "[ERROR] Failed to execute goal on project greeter: Could not resolve dependencies for project dev.kiln.examples:greeter:jar:0.1.0-SNAPSHOT: Cannot access central (https://repo.maven.apache.org/maven2) in offline mode and the artifact org.jspecify:jspecify:jar:0.3.0 has not been downloaded from it before.", true),
                Arguments.of("missing plugin", "[ERROR] Plugin org.apache.maven.plugins:maven-resources-plugin:3.3.1 or one of its dependencies could not be resolved: Cannot access central (https://repo.maven.apache.org/maven2) in offline mode and the artifact org.apache.maven.plugins:maven-resources-plugin:jar:3.3.1 has not been downloaded from it before.", true),
                Arguments.of("compile error", "[ERROR] /src/Greeter.java:[12,5] ';' expected", false),
                Arguments.of("build failure", "[INFO] BUILD FAILURE", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offlineFailures")
    void onlyMissingArtifactsSendTheBuildOnline(String name, String line, boolean online) {
        assertThat(MavenCommand.missingOffline(line)).isEqualTo(online);
    }

    static Stream<Arguments> versions() {
        return Stream.of(
                Arguments.of("Kiln's wrapper", "Apache Maven 3.9.11 (3e54c93a704957b63ee3494413a2b544fd3d825b)\nMaven home: /m2/wrapper", "3.9.11"),
                Arguments.of("the oldest that works", "Apache Maven 3.9.0 (9b58d2bad23a66be161c4664ef21ce219c2c8584)", "3.9.0"),
                Arguments.of("Maven 4", "Apache Maven 4.0.0-rc-4 (bed0f8174bf728978f86fac533aa38a9511f3872)", "4.0.0-rc-4"),
                Arguments.of("Debian's 3.8, with its colours", "\u001B[0m\u001B[0mApache Maven 3.8.7\nMaven home: /usr/share/maven",
                        "Maven 3.8.7 (/usr/bin/mvn) is too old for Kiln's function builds: they need Maven 3.9.0 or later"),
                Arguments.of("Maven 2", "Apache Maven 2.2.1 (r801777; 2009-08-06)", "Maven 2.2.1 (/usr/bin/mvn) is too old"),
                Arguments.of("not Maven", "mvn: command not found", "/usr/bin/mvn -v did not print a Maven version (mvn: command not found)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void mavenOlderThan39IsRefusedNamingBothVersions(String name, String output, String expected) {
        if (expected.contains(" ")) {
            assertThatThrownBy(() -> MavenCommand.requireSupported("/usr/bin/mvn", output)).hasMessageContaining(expected)
                    .hasMessageContaining("KILN_MAVEN");
        } else {
            assertThat(MavenCommand.requireSupported("/usr/bin/mvn", output)).isEqualTo(expected);
        }
    }

    @Test
    void theVersionIsAskedOfMavenItself(@TempDir Path dir) throws Exception {
        Path old = dir.resolve("mvn");
        Files.writeString(old, "#!/bin/sh\n[ \"$2\" = -v ] && echo \"Apache Maven 3.8.7\"\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> new MavenCommand(List.of(old.toString())).requireSupported(Map.of())).hasMessageStartingWith("Maven 3.8.7 (" + old + ") is too old");
    }

    @Test
    void compileErrorsAreCutToFileLineAndMessage() {
        List<String> tail = List.of("[INFO] BUILD FAILURE",
                "[ERROR] COMPILATION ERROR : ",
                "[ERROR] /work/k/src/src/main/java/com/example/Hello.java:[12,9] ';' expected",
                "[ERROR] /work/k/src/src/main/java/com/example/Hello.java:[12,9] ';' expected",
                "\u001B[1;31m[ERROR] /work/k/src/src/main/java/com/example/Other.java:[3,1] class, interface, enum, or record expected\u001B[m",
                "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile (default-compile)");
        assertThat(MavenCommand.compileErrors(tail, Path.of("/work/k/src"))).containsExactly(
                "src/main/java/com/example/Hello.java:12: error: ';' expected",
                "src/main/java/com/example/Other.java:3: error: class, interface, enum, or record expected");
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
