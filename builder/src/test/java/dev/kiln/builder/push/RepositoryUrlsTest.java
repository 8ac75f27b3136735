package dev.kiln.builder.push;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every usual spelling of a repository's URL has one normal form. */
class RepositoryUrlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "https://github.com/Kiln-Dev/Functions.git, github.com/kiln-dev/functions",
        "https://github.com/kiln-dev/functions, github.com/kiln-dev/functions",
        "https://github.com/kiln-dev/functions/, github.com/kiln-dev/functions",
        "http://github.com/kiln-dev/functions.git/, github.com/kiln-dev/functions",
        "https://x-access-token:ghp_secret@github.com/kiln-dev/functions.git, github.com/kiln-dev/functions",
        "git@github.com:kiln-dev/functions.git, github.com/kiln-dev/functions",
        "ssh://git@github.com/kiln-dev/functions.git, github.com/kiln-dev/functions",
        "ssh://git@gitlab.example.com:2222/group/sub/project.git, gitlab.example.com/group/sub/project",
        "git://github.com/kiln-dev/functions.git, github.com/kiln-dev/functions",
        "https://gitlab.example.com:443/group/project, gitlab.example.com/group/project",
        "http://127.0.0.1:8080/git/public/functions.git, 127.0.0.1:8080/git/public/functions",
    })
    void normalises(String url, String normal) {
        assertThat(RepositoryUrls.normalize(url)).isEqualTo(normal);
    }
}
