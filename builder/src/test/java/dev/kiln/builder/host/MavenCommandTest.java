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
        assertThat(MVN.packageCommand(true, List.of(Path.of("/kiln/sdk"), Path.of("/kiln/more")), null)).containsExactly(
                "/opt/mvn/bin/mvn", "-B", "-ntp", "-o", "-Dmaven.test.skip=true", "-Dmaven.repo.local.tail=/kiln/sdk,/kiln/more", "package");
    }

    @Test
    void onlineWithAnotherLocalRepository() {
        assertThat(MVN.packageCommand(false, List.of(), Path.of("/tmp/m2"))).containsExactly(
                "/opt/mvn/bin/mvn", "-B", "-ntp", "-Dmaven.test.skip=true", "-Dmaven.repo.local=/tmp/m2", "package");
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

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
