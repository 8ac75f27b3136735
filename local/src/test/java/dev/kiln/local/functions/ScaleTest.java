package dev.kiln.local.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local mode's scaling: what a Function sets, and Knative's defaults for what it leaves unset (Kiln's own defaults
 * leave them unset since a cluster's Knative has its own), so {@code kiln dev} runs a Function as before.
 */
class ScaleTest {

    static Stream<Arguments> scales() {
        return Stream.of(
                arguments("no spec.scale (Kiln's defaults add none)", null, new Scale(0, 4, 100, 0, Duration.ofSeconds(60))),
                arguments("nothing set: Knative's defaults, at most 4 on one machine", (Consumer<ScaleSpec>) s -> { },
                        new Scale(0, 4, 100, 0, Duration.ofSeconds(60))),
                arguments("everything set", (Consumer<ScaleSpec>) s -> {
                    s.min = 1;
                    s.max = 10;
                    s.target = 50;
                    s.containerConcurrency = 20;
                    s.retention = "5m";
                }, new Scale(1, 10, 50, 20, Duration.ofMinutes(5))),
                arguments("max 0 is no limit: 4 here", (Consumer<ScaleSpec>) s -> s.max = 0, new Scale(0, 4, 100, 0, Duration.ofSeconds(60))),
                arguments("min above 4 raises the local cap", (Consumer<ScaleSpec>) s -> s.min = 6, new Scale(6, 6, 100, 0, Duration.ofSeconds(60))),
                arguments("retention 0s", (Consumer<ScaleSpec>) s -> s.retention = "0s", new Scale(0, 4, 100, 0, Duration.ZERO)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scales")
    void takesTheFunctionsSettingsAndKnativesDefaults(String name, Consumer<ScaleSpec> set, Scale expected) {
        ScaleSpec spec = null;
        if (set != null) {
            spec = new ScaleSpec();
            set.accept(spec);
        }
        assertThat(Scale.of(spec)).isEqualTo(expected);
    }
}
