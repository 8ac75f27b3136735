package dev.kiln.builder.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactsTest {

    @TempDir
    Path dir;

    @Test
    void laysAJarOutWithItsOwnPom() throws Exception {
        Path jar = jar("sdk.jar", "META-INF/maven/dev.kiln/kiln-function-sdk/pom.properties",
                "groupId=dev.kiln\nartifactId=kiln-function-sdk\nversion=0.1.0-SNAPSHOT\n",
                "META-INF/maven/dev.kiln/kiln-function-sdk/pom.xml", "<project>flattened</project>");
        Path repo = dir.resolve("repo");
        assertThat(LocalArtifacts.stage(repo, jar)).isEqualTo("dev.kiln:kiln-function-sdk:0.1.0-SNAPSHOT");
        Path staged = repo.resolve("dev/kiln/kiln-function-sdk/0.1.0-SNAPSHOT");
        assertThat(staged.resolve("kiln-function-sdk-0.1.0-SNAPSHOT.pom")).hasContent("<project>flattened</project>");
        assertThat(staged.resolve("kiln-function-sdk-0.1.0-SNAPSHOT.jar")).hasSameBinaryContentAs(jar);
    }

    @Test
    void aJarNotBuiltByMavenIsRefused() throws Exception {
        Path jar = jar("plain.jar", "a/B.class", "x");
        assertThatThrownBy(() -> LocalArtifacts.stage(dir.resolve("repo"), jar))
                .hasMessageEndingWith("plain.jar has no META-INF/maven/**/pom.properties: it was not built by Maven");
    }

    @Test
    void aPomPropertiesWithoutAPomIsRefused() throws Exception {
        Path jar = jar("half.jar", "META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\nversion=1\n");
        assertThatThrownBy(() -> LocalArtifacts.stage(dir.resolve("repo"), jar))
                .hasMessageEndingWith("half.jar has an incomplete pom.properties or no pom.xml beside it");
    }

    private Path jar(String name, String... entriesAndContents) throws Exception {
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (int i = 0; i < entriesAndContents.length; i += 2) {
                j.putNextEntry(new JarEntry(entriesAndContents[i]));
                j.write(entriesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }
}
