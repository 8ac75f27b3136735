package dev.kiln.api.functions.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.duck.Conditions;
import dev.kiln.api.validation.FieldErrors;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A Function's conditions through its life, as knative keeps its {@code *_lifecycle_test} tables. */
class FunctionLifecycleTest {

    static final List<String> ORDER = List.of("SourceResolved", "BuildSucceeded", "ServiceReady", "Ready");
    static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    static Stream<Arguments> lifecycle() {
        return Stream.of(
                row("fresh: every condition Unknown", l -> { },
                        "SourceResolved=Unknown BuildSucceeded=Unknown ServiceReady=Unknown Ready=Unknown"),
                row("source resolved: still Unknown", l -> l.markSourceResolved(SHA),
                        "SourceResolved=True BuildSucceeded=Unknown ServiceReady=Unknown Ready=Unknown"),
                row("source unreachable: Ready False with its reason", l -> l.markSourceFailed("RepositoryUnreachable", "no route"),
                        "SourceResolved=False/RepositoryUnreachable BuildSucceeded=Unknown ServiceReady=Unknown Ready=False/RepositoryUnreachable"),
                row("building: Ready Unknown, Building", l -> {
                    l.markSourceResolved(SHA);
                    l.markBuildRunning(build());
                }, "SourceResolved=True BuildSucceeded=Unknown/Building ServiceReady=Unknown Ready=Unknown/Building"),
                row("build failed: Ready False", l -> {
                    l.markSourceResolved(SHA);
                    l.markBuildRunning(build());
                    l.markBuildFailed("BuildFailed", "mvn: compilation error");
                }, "SourceResolved=True BuildSucceeded=False/BuildFailed ServiceReady=Unknown Ready=False/BuildFailed"),
                row("deploying the image: Ready Unknown, Deploying", l -> {
                    l.markSourceResolved(SHA);
                    l.markBuildSucceeded("r/greeter@sha256:1", "2026-01-01T00:00:00Z");
                    l.markServiceUnknown(FunctionLifecycle.REASON_DEPLOYING, "waiting");
                }, "SourceResolved=True BuildSucceeded=True ServiceReady=Unknown/Deploying Ready=Unknown/Deploying"),
                row("happy: Ready True", FunctionLifecycleTest::happy,
                        "SourceResolved=True BuildSucceeded=True ServiceReady=True Ready=True"),
                row("a new build while serving: Ready Unknown until it is built", l -> {
                    happy(l);
                    l.markBuildRunning(build());
                }, "SourceResolved=True BuildSucceeded=Unknown/Building ServiceReady=True Ready=Unknown/Building"),
                row("the service fails after being ready: Ready False with the service's reason", l -> {
                    happy(l);
                    l.markServiceFailed("RevisionFailed", "container exited");
                }, "SourceResolved=True BuildSucceeded=True ServiceReady=False/RevisionFailed Ready=False/RevisionFailed"),
                row("a Knative Service of its name that it does not own: Ready False, NotOwned", l -> {
                    happy(l);
                    l.markServiceNotOwned("greeter");
                }, "SourceResolved=True BuildSucceeded=True ServiceReady=False/NotOwned Ready=False/NotOwned"),
                row("that Service gone, Kiln's own rolled out: Ready True again", l -> {
                    happy(l);
                    l.markServiceNotOwned("greeter");
                    l.markServiceReady("http://greeter.demo.example.com", "http://greeter.demo.svc.cluster.local");
                }, "SourceResolved=True BuildSucceeded=True ServiceReady=True Ready=True"),
                row("a failed build then a good one: Ready True again", l -> {
                    l.markSourceResolved(SHA);
                    l.markBuildFailed("BuildFailed", "broken");
                    l.markBuildSucceeded("r/greeter@sha256:2", null);
                    l.markServiceReady("http://greeter.demo.example.com", "http://greeter.demo.svc.cluster.local");
                }, "SourceResolved=True BuildSucceeded=True ServiceReady=True Ready=True"),
                row("the first failure in declared order names Ready", l -> {
                    l.markServiceFailed("RevisionFailed", "x");
                    l.markSourceFailed("RevisionNotFound", "no branch main");
                }, "SourceResolved=False/RevisionNotFound BuildSucceeded=Unknown ServiceReady=False/RevisionFailed Ready=False/RevisionNotFound"),
                row("the Job refused: Ready False, JobRefused", l -> {
                    l.markSourceResolved(SHA);
                    l.markJobRefused("jobs.batch \"greeter-x\" is forbidden: exceeded quota: builds");
                }, "SourceResolved=True BuildSucceeded=False/JobRefused ServiceReady=Unknown Ready=False/JobRefused"),
                row("the Knative Service refused: Ready False, ServiceRefused, the image kept", l -> {
                    l.markSourceResolved(SHA);
                    l.markBuildSucceeded("r/greeter@sha256:1", "2026-01-01T00:00:00Z");
                    l.markServiceRefused("create", "admission webhook denied the request");
                }, "SourceResolved=True BuildSucceeded=True ServiceReady=False/ServiceRefused Ready=False/ServiceRefused"),
                row("an invalid spec: Ready False, InvalidSpec", l -> {
                    FieldErrors errors = new FieldErrors();
                    errors.missing("spec.source.git.url");
                    l.markInvalidSpec(errors);
                }, "SourceResolved=Unknown BuildSucceeded=Unknown ServiceReady=Unknown Ready=False/InvalidSpec"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void lifecycle(Consumer<FunctionLifecycle> marks, String expected) {
        FunctionStatus status = new FunctionStatus();
        marks.accept(FunctionLifecycle.of(status, Clock.systemUTC()));
        assertThat(Conditions.render(status, ORDER)).isEqualTo(expected);
    }

    @Test
    void theHappyPathFillsTheStatus() {
        FunctionStatus status = new FunctionStatus();
        FunctionLifecycle l = FunctionLifecycle.of(status, Clock.systemUTC());
        happy(l);
        l.observe(3L);
        assertThat(status.commit).isEqualTo(SHA);
        assertThat(status.image).isEqualTo("r/greeter@sha256:1");
        assertThat(status.build.completedAt).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(status.url).isEqualTo("http://greeter.demo.example.com");
        assertThat(status.address.url).isEqualTo("http://greeter.demo.svc.cluster.local");
        assertThat(status.observedGeneration).isEqualTo(3L);
        assertThat(status.ready()).isTrue();
    }

    @Test
    void aServiceItDoesNotOwnIsNamedAndItsAddressIsNotTheFunctions() {
        FunctionStatus status = new FunctionStatus();
        FunctionLifecycle l = FunctionLifecycle.of(status, Clock.systemUTC());
        happy(l);
        l.markServiceNotOwned("greeter");
        assertThat(l.serviceNotOwned()).isTrue();
        assertThat(status.condition("ServiceReady").orElseThrow().message).isEqualTo("There is an existing Knative Service \"greeter\" that this"
                + " Function does not own: Kiln leaves it as it is. Delete it, or give the Function another name");
        assertThat(status.url).as("the other Service's URL").isNull();
        assertThat(status.address).as("events would go to the other Service").isNull();
        l.markServiceUnknown(FunctionLifecycle.REASON_DEPLOYING, "waiting");
        assertThat(l.serviceNotOwned()).isFalse();
    }

    private static void happy(FunctionLifecycle l) {
        l.markSourceResolved(SHA);
        l.markBuildRunning(build());
        l.markBuildSucceeded("r/greeter@sha256:1", "2026-01-01T00:00:00Z");
        l.markServiceReady("http://greeter.demo.example.com", "http://greeter.demo.svc.cluster.local");
    }

    @Test
    void aRefusalSaysWhoRefusedWhatAndKeepsTheImage() {
        FunctionStatus status = new FunctionStatus();
        FunctionLifecycle l = FunctionLifecycle.of(status, Clock.systemUTC());
        l.markBuildRunning(build());
        l.markBuildSucceeded("r/greeter@sha256:1", "2026-01-01T00:00:00Z");
        l.markServiceRefused("update", "services.serving.knative.dev \"greeter\" is forbidden: no");
        assertThat(status.image).isEqualTo("r/greeter@sha256:1");
        assertThat(status.condition("ServiceReady").orElseThrow().message)
                .isEqualTo("the cluster refused to update the Knative Service: services.serving.knative.dev \"greeter\" is forbidden: no");
        assertThat(l.conditions().get("BuildSucceeded").orElseThrow().isTrue()).as("a refused Service is no failed build").isTrue();

        FunctionStatus fresh = new FunctionStatus();
        FunctionLifecycle first = FunctionLifecycle.of(fresh, Clock.systemUTC());
        first.markJobRefused("jobs.batch \"greeter-x\" is forbidden: exceeded quota");
        assertThat(fresh.condition("BuildSucceeded").orElseThrow().message)
                .isEqualTo("the cluster refused to create the build Job: jobs.batch \"greeter-x\" is forbidden: exceeded quota");
        assertThat(first.buildFailedFor("k", null)).as("a refused Job is asked for again").isFalse();
        assertThat(first.rebuildFor("k", "1")).isEqualTo("1");
    }

    static Stream<Arguments> refusedWriteRetries() {
        return Stream.of(
                Arguments.of(Named.of("nothing refused: no retry of its own", (Consumer<FunctionLifecycle>) FunctionLifecycleTest::happy), 0L, null),
                Arguments.of(Named.of("just refused: the shortest wait", (Consumer<FunctionLifecycle>) l -> l.markServiceRefused("create", "no")), 0L, 10L),
                Arguments.of(Named.of("refused for 45 s: as long again", (Consumer<FunctionLifecycle>) l -> l.markJobRefused("no")), 45L, 45L),
                Arguments.of(Named.of("refused for a day: the longest wait", (Consumer<FunctionLifecycle>) l -> l.markServiceRefused("update", "no")),
                        86_400L, 600L),
                Arguments.of(Named.of("a build failure is no refusal", (Consumer<FunctionLifecycle>) l -> l.markBuildFailed("BuildFailed", "x")), 60L, null));
    }

    @ParameterizedTest
    @MethodSource
    void refusedWriteRetries(Consumer<FunctionLifecycle> marks, long laterSeconds, Long waitSeconds) {
        FunctionStatus status = new FunctionStatus();
        java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:00Z");
        marks.accept(FunctionLifecycle.of(status, Clock.fixed(at, java.time.ZoneOffset.UTC)));
        FunctionLifecycle later = FunctionLifecycle.of(status, Clock.fixed(at.plusSeconds(laterSeconds), java.time.ZoneOffset.UTC));
        assertThat(later.refusedWriteRetry()).isEqualTo(java.util.Optional.ofNullable(waitSeconds).map(java.time.Duration::ofSeconds));
    }

    static Stream<Arguments> failedBuilds() {
        Consumer<FunctionLifecycle> ranAndFailed = l -> {
            l.markBuildRunning(build());
            l.markBuildFailed("BuildFailed", "broken", "2026-01-01T00:00:00Z");
        };
        Consumer<FunctionLifecycle> rebuiltAndFailed = l -> {
            BuildStatus b = build();
            b.rebuild = "1";
            l.markBuildRunning(b);
            l.markBuildFailed("BuildFailed", "broken again", "2026-01-02T00:00:00Z");
        };
        return Stream.of(
                Arguments.of(Named.of("ran and failed, no rebuild asked: stands", ranAndFailed), "k", null, true, null),
                Arguments.of(Named.of("ran and failed, a rebuild asked: built again under it", ranAndFailed), "k", "1", false, "1"),
                Arguments.of(Named.of("ran and failed, other inputs: built", ranAndFailed), "other", null, false, null),
                Arguments.of(Named.of("rebuilt under a value and failed, same value: stands", rebuiltAndFailed), "k", "1", true, "1"),
                Arguments.of(Named.of("rebuilt under a value and failed, annotation removed: stands (removing asks nothing)", rebuiltAndFailed),
                        "k", null, true, null),
                Arguments.of(Named.of("rebuilt under a value and failed, a new value: built again under it", rebuiltAndFailed), "k", "2", false, "2"),
                Arguments.of(Named.of("could not start (no Job ran): tried again", (Consumer<FunctionLifecycle>) l -> {
                    l.markBuildRunning(build());
                    l.markBuildFailed("RepositoryUnreachable", "no route");
                }), "k", null, false, null),
                Arguments.of(Named.of("running: a new rebuild value starts nothing", (Consumer<FunctionLifecycle>) l -> l.markBuildRunning(build())),
                        "k", "1", false, null),
                Arguments.of(Named.of("never built", (Consumer<FunctionLifecycle>) l -> { }), "k", "1", false, "1"));
    }

    @ParameterizedTest
    @MethodSource
    void failedBuilds(Consumer<FunctionLifecycle> marks, String key, String rebuild, boolean stands, String buildUnder) {
        FunctionStatus status = new FunctionStatus();
        FunctionLifecycle l = FunctionLifecycle.of(status, Clock.systemUTC());
        marks.accept(l);
        assertThat(l.buildFailedFor(key, rebuild)).isEqualTo(stands);
        assertThat(l.rebuildFor(key, rebuild)).isEqualTo(buildUnder);
    }

    static Stream<Arguments> pushSecrets() {
        String config = java.util.Base64.getEncoder().encodeToString("{\"auths\":{\"registry.example.com\":{\"auth\":\"a2lsbjpzM2NyZXQ=\"}}}".getBytes());
        String expected = "it must be a Secret of type kubernetes.io/dockerconfigjson with the registry's credentials under .dockerconfigjson"
                + " (kubectl create secret docker-registry push -n demo ...)";
        return Stream.of(
                Arguments.of(Named.of("a dockerconfigjson Secret: the build starts", secret("kubernetes.io/dockerconfigjson", ".dockerconfigjson", config)),
                        null, null),
                Arguments.of(Named.of("no Secret: not found", null), "PushSecretNotFound",
                        "secret push (spec.build.pushSecretRef) does not exist in namespace demo; the build pushes with it and the revision pulls"
                                + " with it: " + expected),
                Arguments.of(Named.of("a kubernetes.io/dockercfg Secret: the kubelet pulls with it, Kaniko cannot push with it",
                        secret("kubernetes.io/dockercfg", ".dockercfg", config)), "PushSecretInvalid",
                        "secret push (spec.build.pushSecretRef) in namespace demo is of type kubernetes.io/dockercfg; the build pushes with it and"
                                + " the revision pulls with it: " + expected),
                Arguments.of(Named.of("an Opaque Secret with config.json: nothing to mount", secret("Opaque", "config.json", config)),
                        "PushSecretInvalid", "is of type Opaque; "),
                Arguments.of(Named.of("an Opaque Secret with .dockerconfigjson: builds, then the kubelet ignores it for pulls",
                        secret("Opaque", ".dockerconfigjson", config)), "PushSecretInvalid", "is of type Opaque; "),
                Arguments.of(Named.of("no type (the API server's default, Opaque)", secret(null, ".dockerconfigjson", config)),
                        "PushSecretInvalid", "is of type Opaque; "));
    }

    @ParameterizedTest
    @MethodSource
    void pushSecrets(io.fabric8.kubernetes.api.model.Secret secret, String reason, String message) {
        FunctionStatus status = new FunctionStatus();
        FunctionLifecycle l = FunctionLifecycle.of(status, Clock.systemUTC());
        l.markSourceResolved(SHA);
        boolean usable = l.checkPushSecret("push", "spec.build.pushSecretRef", "demo", secret);
        assertThat(usable).isEqualTo(reason == null);
        assertThat(l.waitsForPushSecret()).as("tried again").isEqualTo(reason != null);
        if (reason == null) {
            assertThat(Conditions.render(status, ORDER)).isEqualTo("SourceResolved=True BuildSucceeded=Unknown ServiceReady=Unknown Ready=Unknown");
            return;
        }
        assertThat(Conditions.render(status, ORDER)).isEqualTo("SourceResolved=True BuildSucceeded=False/" + reason
                + " ServiceReady=Unknown Ready=False/" + reason);
        assertThat(l.conditions().get(FunctionLifecycle.BUILD_SUCCEEDED).orElseThrow().message).contains(message);
        assertThat(l.buildFailedFor("k", null)).as("not final: no build ran").isFalse();
    }

    @Test
    void otherBuildFailuresDoNotWaitForThePushSecret() {
        FunctionLifecycle l = FunctionLifecycle.of(new FunctionStatus(), Clock.systemUTC());
        l.markBuildFailed("BuildFailed", "broken", "2026-01-01T00:00:00Z");
        assertThat(l.waitsForPushSecret()).isFalse();
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(String type, String key, String value) {
        return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("push").withNamespace("demo").endMetadata()
                .withType(type).addToData(key, value).build();
    }

    private static BuildStatus build() {
        BuildStatus b = new BuildStatus();
        b.name = "greeter-build-9fceb02d";
        b.commit = SHA;
        b.key = "k";
        return b;
    }

    private static Arguments row(String name, Consumer<FunctionLifecycle> marks, String expected) {
        return Arguments.of(Named.of(name, marks), expected);
    }
}
