package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the runner reads the Kaniko container's arguments; ContainerBuildIT runs it for real. */
class BuildJobRunnerTest {

    static BuildJobRunner.KanikoArgs parse(String... args) {
        return BuildJobRunner.KanikoArgs.parse(List.of(args), p -> p.replace("dir:///workspace", "/tmp/ws").replace("/workspace", "/tmp/ws"));
    }

    @Test
    void kilnsKanikoArgumentsBecomeBuildahOptions() {
        BuildJobRunner.KanikoArgs args = parse("--context=dir:///workspace", "--dockerfile=/workspace/build/Containerfile",
                "--destination=registry.example.com/ns/fn:0123456789ab", "--image-name-with-digest-file=/dev/termination-log",
                "--cache=true", "--cache-repo=registry.example.com/ns/fn/cache", "--reproducible");
        assertThat(args.context()).isEqualTo(Path.of("/tmp/ws"));
        assertThat(args.dockerfile()).isEqualTo(Path.of("/tmp/ws/build/Containerfile"));
        assertThat(args.budOptions()).containsExactly("--layers");
        assertThat(args.imageNameWithDigestFile()).isTrue();
        assertThat(args.reproducible()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "registry.example.com/ns/fn:0123456789ab, registry.example.com/ns/fn",
        "localhost:5001/kiln/ns/fn:0123456789ab,  localhost:5001/kiln/ns/fn",
        "localhost:5001/kiln/ns/fn,               localhost:5001/kiln/ns/fn"})
    void theDigestFileNamesTheRepositoryWithoutItsTag(String destination, String repository) {
        assertThat(parse("--context=dir:///workspace", "--dockerfile=/workspace/Dockerfile", "--destination=" + destination).repository())
                .isEqualTo(repository);
    }

    @Test
    void anOptionTheRunnerDoesNotPlayFailsInsteadOfBeingIgnored() {
        assertThatThrownBy(() -> parse("--context=dir:///workspace", "--dockerfile=/workspace/Dockerfile", "--destination=r/i:t",
                "--build-arg=X=1")).hasMessageContaining("--build-arg=X=1").hasMessageContaining("does not play");
        assertThatThrownBy(() -> parse("--context=s3://bucket/ctx.tgz", "--dockerfile=/workspace/Dockerfile", "--destination=r/i:t"))
                .hasMessageContaining("dir:// contexts");
    }
}
