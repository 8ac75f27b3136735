package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.builder.push.Push;
import dev.kiln.local.manifests.Manifest;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which Functions a push rebuilds: as the controller's push endpoint decides it. */
class PushRebuildsTest {

    static final List<Manifest> FUNCTIONS = TestManifests.of("""
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: on-main}
            spec: {source: {git: {url: https://github.com/acme/fns.git, contextDir: a}}}
            ---
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: on-dev}
            spec: {source: {git: {url: https://github.com/acme/fns, revision: dev}}}
            ---
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: on-tag}
            spec: {source: {git: {url: https://github.com/acme/fns.git, revision: v1}}}
            ---
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: elsewhere}
            spec: {source: {git: {url: https://gitlab.com/acme/fns.git}}}
            """);

    static Stream<Arguments> pushes() {
        Set<String> acme = Set.of(dev.kiln.builder.push.RepositoryUrls.normalize("https://github.com/acme/fns"));
        return Stream.of(
                arguments("a branch moves what tracks it (default revision main)", new Push(acme, "refs/heads/main", "a1", false), List.of("on-main")),
                arguments("another branch", new Push(acme, "refs/heads/dev", "a1", false), List.of("on-dev")),
                arguments("a tag", new Push(acme, "refs/tags/v1", "a1", false), List.of("on-tag")),
                arguments("a deleted branch moves nothing", new Push(acme, "refs/heads/main", "0", true), List.of()),
                arguments("another repository", new Push(Set.of(dev.kiln.builder.push.RepositoryUrls.normalize("https://github.com/acme/other")), "refs/heads/main", "a1", false), List.of()),
                arguments("a branch nothing tracks", new Push(acme, "refs/heads/feature", "a1", false), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushes")
    void rebuildsWhatThePushMoved(String name, Push push, List<String> moved) {
        assertThat(PushRebuilds.moved(push, FUNCTIONS.stream().map(m -> (dev.kiln.api.functions.v1alpha1.Function) m.resource()).toList()))
                .extracting(f -> f.getMetadata().getName()).containsExactlyElementsOf(moved);
    }
}
