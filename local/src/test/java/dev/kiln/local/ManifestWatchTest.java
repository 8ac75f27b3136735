package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.local.manifests.Manifest;
import dev.kiln.local.manifests.ManifestException;
import dev.kiln.local.worktree.TreeWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** kiln dev's manifests kept in step with their files: which changes count, and what an edit that does not load does. */
class ManifestWatchTest {

    @TempDir
    static Path dir;

    static Stream<Arguments> changes() throws Exception {
        Path file = Files.writeString(dir.resolve("one.yaml"), "");
        Path sub = Files.createDirectories(dir.resolve("more"));
        return Stream.of(
                arguments("a manifest", dir, dir.resolve("a.yaml"), true),
                arguments("a .yml manifest", dir, dir.resolve("more/b.yml"), true),
                arguments("a function project's pom", dir, dir.resolve("pom.xml"), true),
                arguments("a new directory (it may hold manifests)", dir, sub, true),
                arguments("a source file", dir, dir.resolve("src/main/java/Fn.java"), false),
                arguments("a text file", dir, dir.resolve("notes.txt"), false),
                arguments("the file kiln dev was given", file, file, true),
                arguments("another file beside it", file, dir.resolve("two.yaml"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void whichChangesAreReadAgain(String name, Path target, Path changed, boolean relevant) {
        assertThat(ManifestWatch.relevant(target, changed)).isEqualTo(relevant);
    }

    @Test
    void aSaveIsAppliedAndAnEditThatDoesNotLoadIsKeptAsProblemsUntilOneLoads(@TempDir Path project) throws Exception {
        AtomicReference<List<String>> problems = new AtomicReference<>(List.of());
        AtomicInteger applied = new AtomicInteger();
        try (TreeWatcher watcher = new TreeWatcher();
                ManifestWatch watch = ManifestWatch.start(watcher, project, () -> {
                    if (!problems.get().isEmpty()) {
                        throw new ManifestException(problems.get());
                    }
                    return List.<Manifest>of();
                }, manifests -> applied.incrementAndGet())) {
            Path m = project.resolve("fn.yaml");
            Files.writeString(m, "a");
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() >= 1);

            problems.set(List.of("fn.yaml#0 Function default/fn: spec.scale.max: must be at least 1"));
            Files.writeString(m, "bad");
            await().atMost(Duration.ofSeconds(10)).until(() -> !watch.refused().isEmpty());
            int before = applied.get();
            assertThat(watch.refused()).containsExactly("fn.yaml#0 Function default/fn: spec.scale.max: must be at least 1");
            assertThat(watch.target()).isEqualTo(project.toAbsolutePath().normalize());

            problems.set(List.of());
            Files.writeString(m, "good");
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.refused().isEmpty());
            assertThat(applied.get()).as("the edit that loads is applied").isGreaterThan(before);
        }
    }

    @Test
    void whatTheApplyingRefusesIsKeptToo(@TempDir Path project) throws Exception {
        try (TreeWatcher watcher = new TreeWatcher();
                ManifestWatch watch = ManifestWatch.start(watcher, project, List::<Manifest>of, manifests -> {
                    throw new IllegalArgumentException("function environments do not resolve:\n  m.yaml#1 Function default/fn: spec.env[0]");
                })) {
            Files.writeString(project.resolve("m.yaml"), "x");
            await().atMost(Duration.ofSeconds(10)).until(() -> !watch.refused().isEmpty());
            assertThat(watch.refused()).as("the summary line left out").containsExactly("m.yaml#1 Function default/fn: spec.env[0]");
        }
    }
}
