package dev.kiln.builder.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Push CloudEvents from the GitHub and GitLab sources, with their providers' own payloads. */
class PushEventsTest {

    static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    /** A CloudEvent's type and data, as the parser takes them. */
    record Event(String type, byte[] data) {
        @Override
        public String toString() {
            return type;
        }
    }

    static Event event(String type, String data) {
        return new Event(type, data == null ? null : data.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> pushes() {
        return Stream.of(
                Arguments.of("github push", event(PushEvents.GITHUB_PUSH, """
                        {"ref":"refs/heads/main","before":"0000000000000000000000000000000000000001","after":"%s","deleted":false,
                         "repository":{"clone_url":"https://github.com/kiln-dev/functions.git","html_url":"https://github.com/kiln-dev/functions",
                         "ssh_url":"git@github.com:kiln-dev/functions.git","git_url":"git://github.com/kiln-dev/functions.git"}}""".formatted(SHA)),
                        Optional.of(new Push(Set.of("github.com/kiln-dev/functions"), "refs/heads/main", SHA, false))),
                Arguments.of("github branch deleted", event(PushEvents.GITHUB_PUSH, """
                        {"ref":"refs/heads/feature","after":"0000000000000000000000000000000000000000","deleted":true,
                         "repository":{"clone_url":"https://github.com/kiln-dev/functions.git"}}"""),
                        Optional.of(new Push(Set.of("github.com/kiln-dev/functions"), "refs/heads/feature", "0000000000000000000000000000000000000000", true))),
                Arguments.of("gitlab push", event(PushEvents.GITLAB_PUSH, """
                        {"object_kind":"push","ref":"refs/heads/main","after":"%s","checkout_sha":"%s",
                         "project":{"web_url":"https://gitlab.example.com/group/functions","git_ssh_url":"git@gitlab.example.com:group/functions.git",
                         "git_http_url":"https://gitlab.example.com/group/functions.git"}}""".formatted(SHA, SHA)),
                        Optional.of(new Push(Set.of("gitlab.example.com/group/functions"), "refs/heads/main", SHA, false))),
                Arguments.of("legacy gitlab push", event(PushEvents.GITLAB_PUSH, """
                        {"ref":"refs/tags/v1","after":"%s","repository":{"git_http_url":"https://gitlab.example.com/group/functions.git"}}""".formatted(SHA)),
                        Optional.of(new Push(Set.of("gitlab.example.com/group/functions"), "refs/tags/v1", SHA, false))),
                Arguments.of("not a push", event("dev.knative.source.github.pull_request", "{}"), Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushes")
    void reads(String name, Event event, Optional<Push> expected) {
        assertThat(PushEvents.parse(event.type(), "d1", event.data())).isEqualTo(expected);
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("no data", event(PushEvents.GITHUB_PUSH, null), "has no data"),
                Arguments.of("not JSON", event(PushEvents.GITHUB_PUSH, "ref=main"), "data is not JSON"),
                Arguments.of("no repository", event(PushEvents.GITHUB_PUSH, "{\"ref\":\"refs/heads/main\",\"after\":\"" + SHA + "\"}"),
                        "lacks the repository's URLs"),
                Arguments.of("no ref", event(PushEvents.GITLAB_PUSH, "{\"after\":\"" + SHA + "\",\"project\":{\"web_url\":\"https://gitlab.com/a/b\"}}"),
                        "lacks \"ref\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void refusesWhatIsNotAPushPayload(String name, Event event, String message) {
        assertThatThrownBy(() -> PushEvents.parse(event.type(), "d1", event.data())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} moves {1}: {2}")
    @org.junit.jupiter.params.provider.CsvSource({
        "refs/heads/main, main, true",
        "refs/heads/main, refs/heads/main, true",
        "refs/heads/main, develop, false",
        "refs/tags/v1, v1, true",
        "refs/heads/release/1.x, release/1.x, true",
        "refs/heads/main, " + SHA + ", false",
    })
    void movesTheRevisionsThatNameItsRef(String ref, String revision, boolean moves) {
        assertThat(new Push(Set.of("h/p"), ref, SHA, false).moves(revision)).isEqualTo(moves);
    }
}
