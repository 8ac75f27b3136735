package dev.kiln.api.sources.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.duck.Conditions;
import dev.kiln.api.validation.FieldErrors;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A source's conditions through its life, as knative keeps its {@code *_lifecycle_test} tables. Kafka and cron
 * sources have SinkProvided and Deployed; webhook sources also need SecretsProvided and WebhookRegistered.
 */
class SourceLifecycleTest {

    static final List<String> ORDER = List.of("SecretsProvided", "SinkProvided", "Deployed", "WebhookRegistered", "Ready");
    static final String SINK = "http://broker-ingress.knative-eventing.svc.cluster.local/demo/default";
    static final Supplier<SourceStatus> KAFKA = SourceStatus::new;
    static final Supplier<SourceStatus> WEBHOOK = WebhookSourceStatus::new;

    static Stream<Arguments> lifecycle() {
        return Stream.of(
                row("kafka, fresh: Unknown, and no SecretsProvided", KAFKA, l -> { },
                        "SecretsProvided=missing SinkProvided=Unknown Deployed=Unknown WebhookRegistered=missing Ready=Unknown"),
                row("kafka, sink resolved: still Unknown", KAFKA, l -> l.markSink(SINK),
                        "SecretsProvided=missing SinkProvided=True Deployed=Unknown WebhookRegistered=missing Ready=Unknown"),
                row("kafka, adapter starting: Ready Unknown with the adapter's reason", KAFKA, l -> {
                    l.markSink(SINK);
                    l.markNotDeployed(false, "Starting", "0/1 replicas");
                }, "SecretsProvided=missing SinkProvided=True Deployed=Unknown/Starting WebhookRegistered=missing Ready=Unknown/Starting"),
                row("kafka, happy: Ready True", KAFKA, l -> {
                    l.markSink(SINK);
                    l.markDeployed();
                }, "SecretsProvided=missing SinkProvided=True Deployed=True WebhookRegistered=missing Ready=True"),
                row("kafka, sink lost after ready: Ready False", KAFKA, l -> {
                    l.markSink(SINK);
                    l.markDeployed();
                    l.markNoSink("SinkNotFound", "Broker demo/default not found");
                }, "SecretsProvided=missing SinkProvided=False/SinkNotFound Deployed=True WebhookRegistered=missing Ready=False/SinkNotFound"),
                row("kafka, adapter failed: Ready False", KAFKA, l -> {
                    l.markSink(SINK);
                    l.markNotDeployed(true, "AdapterFailed", "CrashLoopBackOff");
                }, "SecretsProvided=missing SinkProvided=True Deployed=False/AdapterFailed WebhookRegistered=missing Ready=False/AdapterFailed"),
                row("kafka, invalid spec: Ready False, InvalidSpec", KAFKA, l -> l.markInvalidSpec(invalid()),
                        "SecretsProvided=missing SinkProvided=Unknown Deployed=Unknown WebhookRegistered=missing Ready=False/InvalidSpec"),
                row("webhook, fresh: SecretsProvided and WebhookRegistered Unknown too", WEBHOOK, l -> { },
                        "SecretsProvided=Unknown SinkProvided=Unknown Deployed=Unknown WebhookRegistered=Unknown Ready=Unknown"),
                row("webhook, sink and adapter but no secret yet: Ready Unknown", WEBHOOK, l -> {
                    l.markSink(SINK);
                    l.markDeployed();
                }, "SecretsProvided=Unknown SinkProvided=True Deployed=True WebhookRegistered=Unknown Ready=Unknown"),
                row("webhook, secret missing: Ready False", WEBHOOK, l -> {
                    l.markNoSecrets("SecretNotFound", "secret gh key token");
                    l.markSink(SINK);
                }, "SecretsProvided=False/SecretNotFound SinkProvided=True Deployed=Unknown WebhookRegistered=Unknown Ready=False/SecretNotFound"),
                row("webhook, happy: Ready True", WEBHOOK, l -> {
                    l.markSecrets();
                    l.markSink(SINK);
                    l.markDeployed();
                    l.markWebhookRegistered();
                }, "SecretsProvided=True SinkProvided=True Deployed=True WebhookRegistered=True Ready=True"),
                row("webhook, the API refused the hook: Ready False with its reason", WEBHOOK, l -> {
                    l.markSecrets();
                    l.markSink(SINK);
                    l.markDeployed();
                    l.markWebhookNotRegistered("WebhookRegistrationFailed", "401 Bad credentials");
                }, "SecretsProvided=True SinkProvided=True Deployed=True WebhookRegistered=False/WebhookRegistrationFailed Ready=False/WebhookRegistrationFailed"),
                row("kafka, a Deployment of the adapter's name it does not own: Ready False, NotOwned", KAFKA, l -> {
                    l.markSink(SINK);
                    l.markDeployed();
                    l.markNotOwned("Deployment", "orders-kafkasource");
                }, "SecretsProvided=missing SinkProvided=True Deployed=False/NotOwned WebhookRegistered=missing Ready=False/NotOwned"),
                row("webhook, a Service of the adapter's name it does not own: Ready False, NotOwned", WEBHOOK, l -> {
                    l.markSecrets();
                    l.markSink(SINK);
                    l.markNotOwned("Service", "hooks-githubsource");
                }, "SecretsProvided=True SinkProvided=True Deployed=False/NotOwned WebhookRegistered=Unknown Ready=False/NotOwned"),
                row("webhook, the first failure in declared order names Ready", WEBHOOK, l -> {
                    l.markNoSink("SinkNotAddressable", "no address");
                    l.markNoSecrets("SecretNotFound", "gh/token");
                }, "SecretsProvided=False/SecretNotFound SinkProvided=False/SinkNotAddressable Deployed=Unknown WebhookRegistered=Unknown Ready=False/SecretNotFound"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void lifecycle(Supplier<SourceStatus> kind, Consumer<SourceLifecycle> marks, String expected) {
        SourceStatus status = kind.get();
        marks.accept(SourceLifecycle.of(status, Clock.systemUTC()));
        assertThat(Conditions.render(status, ORDER)).isEqualTo(expected);
        assertThat(status.sinkUri).isEqualTo(expected.contains("SinkProvided=True") ? SINK : null);
    }

    @Test
    void anObjectItDoesNotOwnIsNamedAndTheWebhookUrlIsNotTheSources() {
        WebhookSourceStatus status = new WebhookSourceStatus();
        status.webhookUrl = "http://hooks-githubsource.ci.svc.cluster.local";
        SourceLifecycle.of(status, Clock.systemUTC()).markNotOwned("Service", "hooks-githubsource");
        assertThat(status.condition("Deployed").orElseThrow().message).isEqualTo("There is an existing Service \"hooks-githubsource\" that this"
                + " source does not own: Kiln leaves it as it is. Delete it, or give the source another name");
        assertThat(status.webhookUrl).as("it would name the other Service").isNull();
    }

    private static FieldErrors invalid() {
        FieldErrors errors = new FieldErrors();
        errors.missing("spec.topics");
        return errors;
    }

    private static Arguments row(String name, Supplier<SourceStatus> kind, Consumer<SourceLifecycle> marks, String expected) {
        return Arguments.of(Named.of(name, kind), marks, expected);
    }
}
