package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.builder.push.Push;
import dev.kiln.builder.push.RepositoryUrls;
import dev.kiln.contract.addressing.Addressing;
import dev.kiln.contract.addressing.Unresolvable;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.manifests.Manifest;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Functions that run: made with their activators, asked for versions, rolled or stopped as a plan says, and
 * resolved as refs. Versions come from a recording source here (the builds have tests of their own).
 */
class LocalFunctionsTest {

    static final Vertx VERTX = Vertx.vertx();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @AfterAll
    static void closeVertx() {
        VERTX.close().toCompletionStage().toCompletableFuture().join();
    }

    static final String MANIFESTS = """
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: polled}
            spec: {source: {git: {url: https://github.com/acme/fns.git, pollInterval: 30s}}}
            ---
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: pushed}
            spec: {source: {git: {url: https://github.com/acme/other.git}}}
            """;

    /** What each source made for a function did: "made ns/name", "refresh ns/name", "close ns/name". */
    final List<String> calls = new ArrayList<>();
    final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    LocalFunctions functions(Path logs) {
        timer.setRemoveOnCancelPolicy(true);
        return new LocalFunctions(VERTX, logs, Clock.systemUTC(), m -> fn -> {
            synchronized (calls) {
                calls.add("made " + fn.id());
            }
            return new LocalFunction.Source() {
                @Override
                public CompletableFuture<Void> refresh() {
                    synchronized (calls) {
                        calls.add("refresh " + fn.id());
                    }
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void close() {
                    synchronized (calls) {
                        calls.add("close " + fn.id());
                    }
                }
            };
        }, timer);
    }

    LocalFunctions started(Path logs) throws Exception {
        List<Manifest> manifests = TestManifests.of(MANIFESTS);
        LocalFunctions fns = functions(logs);
        fns.create(manifests, new ManifestIndex(manifests).environments(manifests));
        assertThat(calls).as("made with their activators, not asked for a version yet").containsExactlyInAnyOrder("made default/polled", "made default/pushed");
        fns.refreshAll();
        calls.clear();
        return fns;
    }

    @Test
    void startedEachIsAskedForItsFirstVersionAndOnePollsEveryPollInterval(@TempDir Path logs) throws Exception {
        List<Manifest> manifests = TestManifests.of(MANIFESTS);
        try (LocalFunctions fns = functions(logs)) {
            fns.create(manifests, new ManifestIndex(manifests).environments(manifests));
            fns.refreshAll();
            assertThat(calls).contains("refresh default/polled", "refresh default/pushed");
            assertThat(timer.getQueue()).as("one poll").singleElement()
                    .satisfies(poll -> assertThat(((java.util.concurrent.ScheduledFuture<?>) poll).getDelay(TimeUnit.SECONDS)).isBetween(25L, 30L));
        }
    }

    static Stream<Arguments> refs() {
        return Stream.of(
                arguments("a Function", new Addressing.Ref("kiln.dev/v1alpha1", "Function", "default", "pushed"), true),
                arguments("a Knative Service of the same name", new Addressing.Ref("serving.knative.dev/v1", "Service", "default", "pushed"), true),
                arguments("a Function of another namespace", new Addressing.Ref("kiln.dev/v1alpha1", "Function", "other", "pushed"), false),
                arguments("a Function not among the manifests", new Addressing.Ref("kiln.dev/v1alpha1", "Function", "default", "nope"), false),
                arguments("another kind of the same name", new Addressing.Ref("v1", "Service", "default", "pushed"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refs")
    void aRefResolvesToTheFunctionsActivator(String name, Addressing.Ref ref, boolean resolves, @TempDir Path logs) throws Exception {
        try (LocalFunctions fns = started(logs)) {
            if (resolves) {
                assertThat(fns.address(ref)).hasToString(fns.all().get("default/pushed").url());
            } else {
                assertThatThrownBy(() -> fns.address(ref)).isInstanceOf(Unresolvable.class).hasMessageContaining("is not among the manifests");
            }
        }
    }

    @Test
    void aPushRefreshesWhatItMoved(@TempDir Path logs) throws Exception {
        try (LocalFunctions fns = started(logs)) {
            assertThat(fns.onPush(new Push(Set.of(RepositoryUrls.normalize("https://github.com/acme/other")), "refs/heads/main", "a1", false)))
                    .containsExactly("default/pushed");
            assertThat(calls).containsExactly("refresh default/pushed");
        }
    }

    static Stream<Arguments> plans() {
        return Stream.of(
                arguments("a new Function is made and asked for a version", MANIFESTS + """
                        ---
                        apiVersion: kiln.dev/v1alpha1
                        kind: Function
                        metadata: {name: added}
                        spec: {source: {git: {url: https://github.com/acme/added.git}}}
                        """, List.of("made default/added", "refresh default/added"), 1),
                arguments("a removed one stops, and its poll", MANIFESTS.substring(MANIFESTS.indexOf("---") + 4),
                        List.of("close default/polled"), 0),
                arguments("another repository: a new source, the old one closed", MANIFESTS.replace("other.git", "moved.git"),
                        List.of("close default/pushed", "made default/pushed", "refresh default/pushed"), 1),
                arguments("another scale: the same source (nothing serves yet, so it is asked again)",
                        MANIFESTS.replace("other.git}}}", "other.git}}, scale: {max: 2}}"), List.of("refresh default/pushed"), 1),
                arguments("another poll interval is another source: polled at the new one", MANIFESTS.replace("30s", "20s"),
                        List.of("close default/polled", "made default/polled", "refresh default/polled"), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void aReloadIsCarriedOutAsPlanned(String name, String after, List<String> expected, int polls, @TempDir Path logs) throws Exception {
        List<Manifest> before = TestManifests.of(MANIFESTS);
        List<Manifest> now = TestManifests.of(after);
        try (LocalFunctions fns = started(logs)) {
            Map<String, Map<String, String>> envs = new ManifestIndex(now).environments(now);
            fns.apply(ReloadPlan.of(before, ManifestChanges.between(before, now), now, envs, fns::environment), envs);
            // A removed Function drains in the background.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (calls) {
                    return calls.size() >= expected.size();
                }
            });
            assertThat(calls).containsExactlyElementsOf(expected);
            assertThat(timer.getQueue()).hasSize(polls);
            now.stream().filter(m -> m.resource() instanceof dev.kiln.api.functions.v1alpha1.Function)
                    .forEach(m -> assertThat(fns.all().get(ReloadPlan.id(m.resource())).function()).usingRecursiveComparison().isEqualTo(m.resource()));
            assertThat(fns.all()).hasSameSizeAs(envs);
        }
    }
}
