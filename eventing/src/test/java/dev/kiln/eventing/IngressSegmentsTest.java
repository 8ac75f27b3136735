package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Ingress's path split, by hand since it runs per event: the same segments the regex split gave. */
class IngressSegmentsTest {

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("broker", "/ns/default", new String[] {"ns", "default"}),
                Arguments.of("flow", "/sequences/ns/chain", new String[] {"sequences", "ns", "chain"}),
                Arguments.of("trailing slash", "/ns/default/", new String[] {"ns", "default"}),
                Arguments.of("repeated slashes", "//ns///default//", new String[] {"ns", "default"}),
                Arguments.of("root", "/", new String[] {""}),
                Arguments.of("empty", "", new String[] {""}),
                Arguments.of("no leading slash", "ns/default", new String[] {"ns", "default"}),
                Arguments.of("one segment", "/ns", new String[] {"ns"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void splitsLikeTheRegexDid(String name, String path, String[] expected) {
        assertThat(Ingress.segments(path)).containsExactly(expected);
        assertThat(Ingress.segments(path)).containsExactly(path.replaceAll("^/+|/+$", "").split("/+"));
    }
}
