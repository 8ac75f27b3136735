package dev.kiln.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.eventing.ResourceState;
import dev.kiln.local.functions.ColdStarts;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.manifests.Manifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** kiln get's rows: one per resource that runs, each from its own part of the platform. */
class StatusTableTest {

    static final List<Manifest> MANIFESTS = TestManifests.of("""
            apiVersion: kiln.dev/v1alpha1
            kind: Function
            metadata: {name: fn}
            spec: {source: {git: {url: https://example.com/a.git}}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: hook}
            stringData: {token: t}
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: default}
            ---
            apiVersion: sources.kiln.dev/v1alpha1
            kind: CronSource
            metadata: {name: ticks}
            spec: {schedule: "* * * * *", sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}}
            ---
            apiVersion: sources.kiln.dev/v1alpha1
            kind: GitHubSource
            metadata: {name: hooks}
            spec:
              repositories: [acme/fns]
              eventTypes: [push]
              secretToken: {secretKeyRef: {name: hook, key: token}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
            """);

    static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aRowPerResourceThatRunsFromItsOwnState() {
        List<Map<String, Object>> rows = StatusTable.rows(MANIFESTS, new StatusTable.States() {
            @Override
            public LocalFunction.Status function(String id) {
                assertThat(id).isEqualTo("default/fn");
                return new LocalFunction.Status(true, "BuildFailed", "mvn package failed; still serving 0123456789ab", "0123456789abcdef",
                        "http://127.0.0.1:1234", 2, SINCE, new ColdStarts.Summary(3, 410, 620, 380));
            }

            @Override
            public StatusTable.Adapter adapter(String id) {
                return id.equals("CronSource default/ticks") ? new StatusTable.Adapter(4321, null) : new StatusTable.Adapter(null, "no secret");
            }

            @Override
            public ResourceState eventing(HasMetadata resource) {
                return new ResourceState(true, null, null, "http://127.0.0.1:8180/default/default");
            }
        });
        assertThat(rows).extracting(r -> r.get("kind")).as("the Secret is an input, not a row").containsExactly("Function", "Broker", "CronSource", "GitHubSource");
        assertThat(rows.get(0)).containsEntry("ready", "True").containsEntry("reason", "BuildFailed").containsEntry("commit", "0123456789abcdef")
                .containsEntry("url", "http://127.0.0.1:1234").containsEntry("instances", 2).containsEntry("since", SINCE.toString())
                .containsEntry("namespace", "default").containsEntry("name", "fn")
                .containsEntry("coldStarts", Map.of("count", 3L, "medianMillis", 410L, "p90Millis", 620L, "lastMillis", 380L));
        assertThat(rows.get(1)).containsEntry("ready", "True").containsEntry("url", "http://127.0.0.1:8180/default/default");
        assertThat(rows.get(2)).containsEntry("ready", "True").containsEntry("url", "http://127.0.0.1:4321").containsEntry("reason", null);
        assertThat(rows.get(3)).containsEntry("ready", "False").containsEntry("reason", "AdapterFailed").containsEntry("message", "no secret")
                .containsEntry("url", null);
    }

    /** Webhook sources, one asking (spec.accessToken) for hooks the cluster's controller would register. */
    static final List<Manifest> SOURCES = TestManifests.of("""
            apiVersion: v1
            kind: Secret
            metadata: {name: hook}
            stringData: {token: t, api: a}
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: default}
            ---
            apiVersion: sources.kiln.dev/v1alpha1
            kind: GitHubSource
            metadata: {name: by-hand}
            spec:
              repositories: [acme/fns]
              eventTypes: [push]
              secretToken: {secretKeyRef: {name: hook, key: token}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
            ---
            apiVersion: sources.kiln.dev/v1alpha1
            kind: GitHubSource
            metadata: {name: registered}
            spec:
              repositories: [acme/fns]
              eventTypes: [push]
              secretToken: {secretKeyRef: {name: hook, key: token}}
              accessToken: {secretKeyRef: {name: hook, key: api}}
              publicURL: https://hooks.example.com/github
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
            ---
            apiVersion: sources.kiln.dev/v1alpha1
            kind: GitLabSource
            metadata: {name: registered-gl}
            spec:
              projects: [https://gitlab.com/acme/fns]
              eventTypes: [push_events]
              secretToken: {secretKeyRef: {name: hook, key: token}}
              accessToken: {secretKeyRef: {name: hook, key: api}}
              publicURL: https://hooks.example.com/gitlab
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
            """);

    static Stream<Arguments> webhookSources() {
        return Stream.of(
                arguments("hooks registered by hand: ready at the adapter's URL", "GitHubSource default/by-hand", new StatusTable.Adapter(4321, null),
                        "True", null, null),
                arguments("GitHub spec.accessToken: not registered, said with the public URL and the adapter's", "GitHubSource default/registered",
                        new StatusTable.Adapter(4321, null), "False", StatusTable.WEBHOOK_NOT_REGISTERED,
                        "spec.accessToken: kiln dev registers no webhooks (in a cluster the controller registers them at spec.publicURL "
                                + "https://hooks.example.com/github, which reaches the cluster, not this machine); the adapter runs and receives what "
                                + "is delivered to http://127.0.0.1:4321 (a hook you register by hand through a tunnel); Functions see new commits "
                                + "through spec.source.git.pollInterval"),
                arguments("GitLab spec.accessToken: the same", "GitLabSource default/registered-gl", new StatusTable.Adapter(4322, null), "False",
                        StatusTable.WEBHOOK_NOT_REGISTERED, "spec.accessToken: kiln dev registers no webhooks (in a cluster the controller registers "
                                + "them at spec.publicURL https://hooks.example.com/gitlab, which reaches the cluster, not this machine); the adapter runs "
                                + "and receives what is delivered to http://127.0.0.1:4322 (a hook you register by hand through a tunnel); Functions see "
                                + "new commits through spec.source.git.pollInterval"),
                arguments("an adapter that failed says why first", "GitHubSource default/registered", new StatusTable.Adapter(null, "no secret"),
                        "False", "AdapterFailed", "no secret"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("webhookSources")
    void aWebhookSourceRowSaysWhetherItsHooksAreRegistered(String name, String id, StatusTable.Adapter adapter, String ready, String reason, String message) {
        List<Map<String, Object>> rows = StatusTable.rows(SOURCES, new StatusTable.States() {
            @Override
            public LocalFunction.Status function(String fn) {
                throw new AssertionError("no function");
            }

            @Override
            public StatusTable.Adapter adapter(String source) {
                return source.equals(id) ? adapter : new StatusTable.Adapter(1, null);
            }

            @Override
            public ResourceState eventing(HasMetadata resource) {
                return new ResourceState(true, null, null, "http://127.0.0.1:8180/default/default");
            }
        });
        Map<String, Object> row = rows.stream().filter(r -> id.equals(r.get("kind") + " " + r.get("namespace") + "/" + r.get("name"))).findFirst().orElseThrow();
        assertThat(row).containsEntry("ready", ready).containsEntry("reason", reason).containsEntry("message", message)
                .containsEntry("url", adapter.port() == null ? null : "http://127.0.0.1:" + adapter.port());
    }
}
