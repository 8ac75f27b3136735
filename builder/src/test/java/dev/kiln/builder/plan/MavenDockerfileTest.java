package dev.kiln.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden text in src/test/resources/golden; regenerate with -Dgolden.update=true and review the diff. */
class MavenDockerfileTest {

    static final MavenDockerfile.BaseImages IMAGES = new MavenDockerfile.BaseImages(
            "docker.io/library/maven@sha256:" + "1".repeat(64), "docker.io/library/eclipse-temurin@sha256:" + "2".repeat(64));

    @Test
    void matchesGoldenText() throws Exception {
        String text = MavenDockerfile.render(IMAGES, "9fceb02d0ae598e95dc970b74767f19372d61af8");
        Path golden = Path.of("src/test/resources/golden/Dockerfile.maven");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, text);
        }
        assertThat(text).isEqualTo(Files.readString(golden));
    }

    @Test
    void dependenciesAreALayerOfTheirOwnBeforeTheSources() {
        String text = MavenDockerfile.render(IMAGES, "c");
        assertThat(text.indexOf("COPY pom.xml")).isLessThan(text.indexOf("dependency:go-offline"));
        assertThat(text.indexOf("dependency:go-offline")).isLessThan(text.indexOf("COPY . ./"));
        assertThat(text.indexOf("--train")).as("trained as root, run as a user").isLessThan(text.indexOf("USER 65532"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maven:3-eclipse-temurin-25", "maven@sha256:abc", "maven:latest@sha256:XYZ"})
    void baseImagesMustBePinnedByDigest(String image) {
        assertThatThrownBy(() -> new MavenDockerfile.BaseImages(image, IMAGES.runtime())).hasMessageContaining("must be pinned by digest");
    }
}
