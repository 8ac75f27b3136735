package dev.kiln.builder.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where host builds resolve from: Kiln's repository (written), the staged SDK, the user's (read only). */
class MavenRepositoriesTest {

    static final Path SDK = Path.of("/state/sdk-repository");

    @Test
    void kilnsCacheThenTheSdkThenTheUsersRepository(@TempDir Path home) throws Exception {
        MavenRepositories r = MavenRepositories.forUser(SDK, Map.of(), home);
        assertThat(r.kiln()).isEqualTo(home.resolve(".cache/kiln/maven-repository"));
        assertThat(r.tails()).containsExactly(SDK, home.resolve(".m2/repository"));
    }

    @Test
    void theCacheFollowsXdg(@TempDir Path home) throws Exception {
        assertThat(MavenRepositories.forUser(SDK, Map.of("XDG_CACHE_HOME", "/var/cache/ada"), home).kiln())
                .isEqualTo(Path.of("/var/cache/ada/kiln/maven-repository"));
    }

    @Test
    void theUsersRepositoryIsTheOneTheirSettingsName(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), """
                <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
                  <localRepository>${user.home}/repos/${env.TEAM}</localRepository>
                </settings>
                """);
        assertThat(MavenRepositories.forUser(SDK, Map.of("TEAM", "blue"), home).tails()).containsExactly(SDK, home.resolve("repos/blue"));
    }

    @Test
    void settingsWithoutALocalRepositoryKeepTheDefault(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), "<settings><offline>false</offline></settings>");
        assertThat(MavenRepositories.forUser(SDK, Map.of(), home).tails()).containsExactly(SDK, home.resolve(".m2/repository"));
    }

    @Test
    void whatKilnCannotReadIsSaid(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), "<settings><localRepository>${repo.root}/m2</localRepository></settings>");
        assertThatThrownBy(() -> MavenRepositories.forUser(SDK, Map.of(), home)).hasMessageContaining("Kiln cannot tell what ${repo.root} is");
        Files.writeString(home.resolve(".m2/settings.xml"), "<settings>");
        assertThatThrownBy(() -> MavenRepositories.forUser(SDK, Map.of(), home)).hasMessageContaining("settings.xml is not readable XML");
    }
}
