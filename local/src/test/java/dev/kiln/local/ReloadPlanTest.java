package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.local.manifests.Manifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What an edit of the manifests does to the Functions and the plane, from the manifests alone. */
class ReloadPlanTest {

    /** The running manifests: two Functions (one reads a Secret), a Broker with a ConfigMap, a Trigger, a source. */
    static final String BEFORE = """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {token: one}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: kafka}
            data: {bootstrap.servers: "127.0.0.1:9092"}
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: default}
            ---
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: a}
            spec:
              source: {git: {url: https://example.com/a.git}}
              env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token}}}]
            ---
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: b}
            spec: {source: {git: {url: https://example.com/b.git}}}
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: to-a}
            spec: {broker: default, subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: a}}}
            ---
            apiVersion: sources.kiln.dev/v1alpha1
            kind: CronSource
            metadata: {name: ticks}
            spec: {schedule: "* * * * *", sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}}
            """;

    static Stream<Arguments> edits() {
        return Stream.of(
                arguments("nothing changed", BEFORE, ""),
                arguments("a Function added starts, and Triggers and flows are applied again (a ref may resolve now)",
                        BEFORE + """
                                ---
                                apiVersion: kiln.dev/v1alpha1
                                kind: Function
                                metadata: {name: c}
                                spec: {source: {git: {url: https://example.com/c.git}}}
                                """, "started default/c; applied Trigger default/to-a"),
                arguments("a Function removed stops, and Triggers are applied again", BEFORE.replace("""
                        ---
                        apiVersion: kiln.dev/v1alpha1
                        kind: Function
                        metadata: {name: b}
                        spec: {source: {git: {url: https://example.com/b.git}}}
                        """, ""), "stopped default/b; applied Trigger default/to-a"),
                arguments("another repository is a rebuild", BEFORE.replace("b.git}}}", "b2.git}}}"), "rebuilt default/b"),
                arguments("another build is a rebuild", BEFORE.replace("b.git}}}", "b.git}}, build: {timeout: 17m}}"), "rebuilt default/b"),
                arguments("a new scale restarts the serving version", BEFORE.replace("b.git}}}", "b.git}}, scale: {max: 2}}"),
                        "restarted default/b"),
                arguments("a Secret the environment reads restarts its Function only", BEFORE.replace("token: one", "token: two"),
                        "restarted default/a"),
                arguments("a changed ConfigMap is applied, and the Brokers again (durable ones read theirs)",
                        BEFORE.replace("127.0.0.1:9092", "127.0.0.1:9093"), "applied ConfigMap default/kafka, Broker default/default"),
                arguments("a changed Trigger is applied alone", BEFORE.replace("name: a}}}", "name: b}}}"), "applied Trigger default/to-a"),
                arguments("a removed Broker is deleted", BEFORE.replace("""
                        apiVersion: eventing.knative.dev/v1
                        kind: Broker
                        metadata: {name: default}
                        ---
                        """, ""), "deleted Broker default/default"),
                arguments("a changed source is the adapters' business", BEFORE.replace("* * * * *", "*/5 * * * *"), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void planFromTheManifests(String name, String after, String plan) {
        List<Manifest> before = TestManifests.of(BEFORE);
        Map<String, Map<String, String>> running = new ManifestIndex(before).environments(before);
        List<Manifest> now = TestManifests.of(after);
        ReloadPlan p = ReloadPlan.of(before, ManifestChanges.between(before, now), now, new ManifestIndex(now).environments(now),
                id -> running.get("Function " + id));
        assertThat(describe(p)).isEqualTo(plan);
    }

    static String describe(ReloadPlan p) {
        List<String> parts = new ArrayList<>();
        add(parts, "stopped", p.stopped());
        add(parts, "started", p.started().stream().map(m -> ReloadPlan.id(m.resource())).toList());
        add(parts, "rebuilt", p.rebuilt().stream().map(m -> ReloadPlan.id(m.resource())).toList());
        add(parts, "restarted", p.restarted().stream().map(m -> ReloadPlan.id(m.resource())).toList());
        add(parts, "deleted", p.deleted().stream().map(ReloadPlanTest::kindAndId).toList());
        add(parts, "applied", p.applied().stream().map(ReloadPlanTest::kindAndId).toList());
        return String.join("; ", parts);
    }

    static String kindAndId(HasMetadata r) {
        return r.getKind() + " " + ReloadPlan.id(r);
    }

    static void add(List<String> parts, String what, List<String> ids) {
        if (!ids.isEmpty()) {
            parts.add(what + " " + String.join(", ", ids));
        }
    }
}
