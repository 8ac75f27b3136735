package dev.kiln.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A misconfigured adapter refuses to start and names every problem at once. */
class AdapterConfigTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("github without a secret", "github", Map.of("K_SINK", "http://127.0.0.1:1/"),
                        new String[] {"GITHUB_SECRET_TOKEN is not set", "GITHUB_ALLOW_UNSIGNED=true"}),
                Arguments.of("gitlab without a secret", "gitlab", Map.of("K_SINK", "http://127.0.0.1:1/"),
                        new String[] {"GITLAB_SECRET_TOKEN is not set"}),
                Arguments.of("every problem at once", "kafka", Map.of("K_SINK", "not a url", "KAFKA_ORDERING", "random",
                        "SEND_RETRY", "-1", "K_CE_OVERRIDES", "{\"extensions\":{\"Bad-Name\":\"x\"}}"),
                        new String[] {"K_SINK=not a url", "KAFKA_BOOTSTRAP_SERVERS is not set", "KAFKA_TOPICS is not set",
                                "KAFKA_ORDERING=random", "SEND_RETRY=-1", "'Bad-Name'"}),
                Arguments.of("no sink", "cron", Map.of(), new String[] {"K_SINK is not set"}),
                Arguments.of("bad cron settings", "cron", Map.of("K_SINK", "http://127.0.0.1:1/", "CRON_SCHEDULE", "61 * * * *",
                        "CRON_TIMEZONE", "Mars/Olympus", "CRON_DATA", "a", "CRON_DATA_BASE64", "YQ=="),
                        new String[] {"CRON_SCHEDULE=61 * * * *", "CRON_TIMEZONE=Mars/Olympus", "both set"}),
                Arguments.of("unknown gitlab event type", "gitlab", Map.of("K_SINK", "http://127.0.0.1:1/", "GITLAB_SECRET_TOKEN", "t",
                        "GITLAB_EVENT_TYPES", "push_events,pushes"), new String[] {"unknown event type 'pushes'"}),
                Arguments.of("unknown kind", "svn", Map.of("K_SINK", "http://127.0.0.1:1/"), new String[] {"unknown source kind 'svn'"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesToStart(String name, String kind, Map<String, String> env, String[] messages) {
        assertThatThrownBy(() -> RunningAdapter.start(kind, env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messages);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("started")
    void startsWhenAllowed(String name, String kind, Map<String, String> env) throws Exception {
        try (RunningAdapter a = RunningAdapter.start(kind, env)) {
            assertThat(a.port()).isPositive();
        }
    }

    static Stream<Arguments> started() {
        return Stream.of(
                Arguments.of("github, unsigned explicitly allowed", "github",
                        Map.of("K_SINK", "http://127.0.0.1:1/", "GITHUB_ALLOW_UNSIGNED", "true", "PORT", "0", "HOST", "127.0.0.1")),
                Arguments.of("cron with defaults", "cron", Map.of("K_SINK", "http://127.0.0.1:1/", "PORT", "0", "HOST", "127.0.0.1")));
    }
}
