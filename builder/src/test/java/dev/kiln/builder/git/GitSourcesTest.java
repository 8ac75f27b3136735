package dev.kiln.builder.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitSourcesTest {

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(value = {"NULL,''", "'',''", ".,''", "fn,fn", "fn/,fn", "./fn,fn", "a/b/../c,a/c", "a/..,''"}, nullValues = "NULL")
    void contextDirsInsideTheRepository(String contextDir, String path) throws Exception {
        assertThat(GitSources.contextPath(contextDir)).isEqualTo(path);
    }

    @ParameterizedTest(name = "''{0}'' escapes")
    @CsvSource({"..", "../other", "a/../../b", "/etc", "/"})
    void contextDirsThatEscapeAreRefused(String contextDir) {
        assertThatThrownBy(() -> GitSources.contextPath(contextDir)).isInstanceOf(SourceException.class)
                .hasMessageContaining("must be a path inside the repository");
    }

    @Test
    void credentialsFromSecrets() throws Exception {
        assertThat(GitCredentials.fromSecret("s", Map.of("token", bytes("ghp_x\n")))).isEqualTo(new GitCredentials("kiln", "ghp_x"));
        assertThat(GitCredentials.fromSecret("s", Map.of("username", bytes("ada"), "password", bytes("pw"))))
                .isEqualTo(new GitCredentials("ada", "pw"));
        assertThat(new GitCredentials("ada", "pw").toString()).doesNotContain("pw");
        assertThatThrownBy(() -> GitCredentials.fromSecret("s", Map.of("ssh-privatekey", bytes("k")))).hasMessageContaining("no 'known_hosts'");
        assertThat(GitCredentials.fromSecret("s", Map.of("ssh-privatekey", bytes("KEY\n"), "known_hosts", bytes("host ssh-ed25519 AAAA\n"))).ssh())
                .isEqualTo(new GitCredentials.SshKey("KEY", "host ssh-ed25519 AAAA"));
        assertThat(GitCredentials.fromSecret("s", Map.of("ssh-privatekey", bytes("KEY"), "known_hosts", bytes("h k AAAA"))).toString())
                .doesNotContain("KEY");
        assertThatThrownBy(() -> GitCredentials.fromSecret("s", Map.of("other", bytes("k")))).hasMessageContaining("neither 'token'");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
