package dev.kiln.api.sources.v1alpha1;

import static dev.kiln.api.Fixtures.cronSource;
import static dev.kiln.api.Fixtures.gitHubSource;
import static dev.kiln.api.Fixtures.gitLabSource;
import static dev.kiln.api.Fixtures.kafkaSource;
import static dev.kiln.api.Fixtures.overrides;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.api.KilnResource;
import dev.kiln.api.duck.DeliverySpec;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.validation.FieldError;
import dev.kiln.api.validation.ValidationPolicy;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SourceValidationTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                // shared by every source
                arguments("sink missing", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink = null),
                        "spec.sink", "is required"),
                arguments("sink with neither ref nor uri", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink = new Destination()),
                        "spec.sink", "must set exactly one of ref and uri"),
                arguments("sink with both ref and uri", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink.uri = "http://x/y"),
                        "spec.sink", "must set exactly one of ref and uri, not both"),
                arguments("sink uri relative", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink = Destination.uri("/default/broker")),
                        "spec.sink.uri", "must be an absolute http or https URL"),
                arguments("sink with CA certificates", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink.caCerts = "-----BEGIN CERTIFICATE-----"),
                        "spec.sink.CACerts", "is not supported: Kiln sends to https sinks trusting the JVM's CA certificates only"),
                arguments("sink with an OIDC audience", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().sink.audience = "broker"),
                        "spec.sink.audience", "is not supported: Kiln does not send OIDC tokens to sinks"),
                arguments("sink ref without kind", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink.ref.kind = null),
                        "spec.sink.ref.kind", "is required"),
                arguments("sink ref without apiVersion", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().sink.ref.apiVersion = ""),
                        "spec.sink.ref.apiVersion", "is required"),
                arguments("sink ref bad namespace", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().sink.ref.namespace = "Demo"),
                        "spec.sink.ref.namespace", "must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"),
                // Knative's KReference validation (knative.dev/pkg apis/duck/v1/knative_reference.go): the controller reads
                // refs with cluster-wide rights, so a ref into another namespace would cross tenants.
                arguments("sink ref in another namespace", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink.ref.namespace = "other"),
                        "spec.sink.ref.namespace", "mismatched namespaces: parent namespace: \"demo\" does not match ref: \"other\""),
                arguments("github sink ref in another namespace", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().sink.ref.namespace = "kube-system"),
                        "spec.sink.ref.namespace", "mismatched namespaces: parent namespace: \"demo\" does not match ref: \"kube-system\""),
                arguments("override with capital letters", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().ceOverrides = overrides("Team", "a")),
                        "spec.ceOverrides.extensions[Team]", "extension names must be lowercase letters and digits only"),
                arguments("override of a core attribute", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().ceOverrides = overrides("type", "a")),
                        "spec.ceOverrides.extensions[type]", "must not override the core attribute type"),
                arguments("source name with underscore", (Supplier<KilnResource>) () -> cronSource(s -> s.getMetadata().setName("my_cron")),
                        "metadata.name", "must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"),
                // GitHub
                arguments("github without repositories", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().repositories.clear()),
                        "spec.repositories", "must list at least one owner/repo or owner"),
                arguments("github repository as URL", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().repositories = List.of("https://github.com/acme/greeter")),
                        "spec.repositories[0]", "must be owner/repo or owner, e.g. acme/greeter"),
                arguments("github owner with double hyphen end", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().repositories = List.of("acme-/x")),
                        "spec.repositories[0]", "must be owner/repo or owner, e.g. acme/greeter"),
                arguments("github unknown event", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().eventTypes = List.of("push", "pushes")),
                        "spec.eventTypes[1]", "is not a GitHub webhook event (e.g. push, pull_request, release, or * for all)"),
                arguments("github no events", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().eventTypes = List.of()),
                        "spec.eventTypes", "must list at least one event type"),
                arguments("github without secret", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().secretToken = null),
                        "spec.secretToken", "is required: webhooks without a secret accept events from anyone (set spec.allowUnsigned: true to accept that)"),
                arguments("github secret without key", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().secretToken = SecretValueFromSource.of("hook", null)),
                        "spec.secretToken.secretKeyRef.key", "is required"),
                arguments("github secret without secretKeyRef", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().secretToken = new SecretValueFromSource()),
                        "spec.secretToken.secretKeyRef", "is required"),
                arguments("github previous secret without a secret", (Supplier<KilnResource>) () -> gitHubSource(s -> {
                            s.getSpec().previousSecretToken = s.getSpec().secretToken;
                            s.getSpec().secretToken = null;
                            s.getSpec().allowUnsigned = true;
                        }), "spec.previousSecretToken", "needs spec.secretToken: a rotation accepts the previous secret next to the new one"),
                arguments("github previous secret without key", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().previousSecretToken = SecretValueFromSource.of("old-hook", null)),
                        "spec.previousSecretToken.secretKeyRef.key", "is required"),
                arguments("gitlab previous signing token without a signing token", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().previousSigningToken = SecretValueFromSource.of("old", "token")),
                        "spec.previousSigningToken", "needs spec.signingToken: a rotation accepts the previous secret next to the new one"),
                arguments("github access token bad secret name", (Supplier<KilnResource>) () -> gitHubSource(s -> {
                            s.getSpec().accessToken = SecretValueFromSource.of("GH", "token");
                            s.getSpec().publicURL = "https://hooks.example.com/";
                        }),
                        "spec.accessToken.secretKeyRef.name", "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'"),
                arguments("github access token without a public URL", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().accessToken = SecretValueFromSource.of("gh", "token")),
                        "spec.publicURL", "is required with spec.accessToken: the URL the webhook is registered with"),
                arguments("github public URL without an access token", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().publicURL = "https://hooks.example.com/"),
                        "spec.publicURL", "is only used with spec.accessToken, to register the webhook"),
                arguments("github API URL without an access token", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().githubAPIURL = "https://github.example.com/api/v3"),
                        "spec.githubAPIURL", "is only used with spec.accessToken, to register the webhook"),
                arguments("gitlab access token with a signing token", (Supplier<KilnResource>) () -> gitLabSource(s -> {
                            s.getSpec().accessToken = SecretValueFromSource.of("gl", "token");
                            s.getSpec().publicURL = "https://hooks.example.com/";
                            s.getSpec().signingToken = SecretValueFromSource.of("sign", "token");
                        }), "spec.signingToken", "cannot be set through GitLab's hook API: with spec.accessToken, authenticate with spec.secretToken"),
                arguments("github api url not http", (Supplier<KilnResource>) () -> gitHubSource(s -> {
                            s.getSpec().githubAPIURL = "api.github.example.com";
                            s.getSpec().accessToken = SecretValueFromSource.of("gh", "token");
                            s.getSpec().publicURL = "https://hooks.example.com/";
                        }),
                        "spec.githubAPIURL", "must be an absolute http or https URL"),
                // GitLab
                arguments("gitlab without projects", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().projects = List.of()),
                        "spec.projects", "must list at least one project URL"),
                arguments("gitlab project without path", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().projects = List.of("https://gitlab.com/acme")),
                        "spec.projects[0]", "must be a project URL such as https://gitlab.com/group/project"),
                arguments("gitlab project not a URL", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().projects = List.of("acme/greeter")),
                        "spec.projects[0]", "must be a project URL such as https://gitlab.com/group/project"),
                arguments("gitlab event as header", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().eventTypes = List.of("Push Hook")),
                        "spec.eventTypes[0]", "is not a GitLab project-hook event (e.g. push_events, tag_push_events, merge_requests_events)"),
                arguments("gitlab without token", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().secretToken = null),
                        "spec.secretToken", "is required: webhooks without a secret accept events from anyone (set spec.allowUnsigned: true to accept that)"),
                // Kafka
                arguments("kafka without bootstrap servers", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().bootstrapServers = List.of()),
                        "spec.bootstrapServers", "must list at least one host:port"),
                arguments("kafka bootstrap without port", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().bootstrapServers = List.of("kafka")),
                        "spec.bootstrapServers[0]", "must be host:port with a port from 1 to 65535"),
                arguments("kafka bootstrap port out of range", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().bootstrapServers = List.of("a:1", "kafka:70000")),
                        "spec.bootstrapServers[1]", "must be host:port with a port from 1 to 65535"),
                arguments("kafka without topics", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().topics = List.of()),
                        "spec.topics", "must list at least one topic"),
                arguments("kafka topic with slash", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().topics = List.of("orders/eu")),
                        "spec.topics[0]", "must be a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'"),
                arguments("kafka topic dot-dot", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().topics = List.of("..")),
                        "spec.topics[0]", "must be a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'"),
                arguments("kafka initial offset", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().initialOffset = "beginning"),
                        "spec.initialOffset", "must be earliest or latest"),
                arguments("kafka ordering", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().ordering = "fifo"),
                        "spec.ordering", "must be ordered or unordered"),
                arguments("kafka key type", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().keyType = "long"),
                        "spec.keyType", "must be string, int, float or byte-array"),
                arguments("kafka blank consumer group", (Supplier<KilnResource>) () -> kafkaSource(s -> s.getSpec().consumerGroup = " "),
                        "spec.consumerGroup", "must not be blank; leave it out to use the default"),
                arguments("kafka negative retry", (Supplier<KilnResource>) () -> kafkaSource(s -> delivery(s).retry = -1),
                        "spec.delivery.retry", "must be 0 or more"),
                arguments("kafka backoff policy", (Supplier<KilnResource>) () -> kafkaSource(s -> delivery(s).backoffPolicy = "random"),
                        "spec.delivery.backoffPolicy", "must be linear or exponential"),
                arguments("kafka linear backoff", (Supplier<KilnResource>) () -> kafkaSource(s -> delivery(s).backoffPolicy = "linear"),
                        "spec.delivery.backoffPolicy", "linear is not supported by the Kafka adapter: use exponential"),
                arguments("kafka backoff delay as Go duration", (Supplier<KilnResource>) () -> kafkaSource(s -> delivery(s).backoffDelay = "200ms"),
                        "spec.delivery.backoffDelay", "must be an ISO-8601 duration such as PT0.2S or PT1M"),
                arguments("kafka zero timeout", (Supplier<KilnResource>) () -> kafkaSource(s -> delivery(s).timeout = "PT0S"),
                        "spec.delivery.timeout", "must be greater than zero"),
                arguments("kafka dead letter sink without name", (Supplier<KilnResource>) () -> kafkaSource(s -> delivery(s).deadLetterSink =
                                Destination.ref(new KReference("v1", "Service", null))),
                        "spec.delivery.deadLetterSink.ref.name", "is required"),
                arguments("kafka dead letter sink in another namespace", (Supplier<KilnResource>) () -> kafkaSource(s -> {
                    delivery(s).deadLetterSink = Destination.ref(new KReference("eventing.knative.dev/v1", "Broker", "dead-letters"));
                    delivery(s).deadLetterSink.ref.namespace = "other";
                }), "spec.delivery.deadLetterSink.ref.namespace", "mismatched namespaces: parent namespace: \"demo\" does not match ref: \"other\""),
                // Cron
                arguments("cron with four fields", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = "* * * *"),
                        "spec.schedule", "has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)"),
                arguments("cron minute out of range", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = "61 * * * *"),
                        "spec.schedule", "invalid cron schedule \"61 * * * *\": Value 61 not in range [0, 59]"),
                arguments("cron @every", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = "@every 5m"),
                        "spec.schedule", "unsupported descriptor @every 5m (use @yearly, @monthly, @weekly, @daily, @midnight, @hourly or 5 cron fields)"),
                arguments("cron time zone in schedule", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = "CRON_TZ=UTC 0 3 * * *"),
                        "spec.schedule", "set the time zone in spec.timezone, not in the schedule"),
                arguments("cron unknown time zone", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().timezone = "Mars/Olympus"),
                        "spec.timezone", "must be an IANA time zone such as UTC or Europe/Paris"),
                arguments("cron data and dataBase64", (Supplier<KilnResource>) () -> cronSource(s -> { s.getSpec().data = "x"; s.getSpec().dataBase64 = "eA=="; }),
                        "spec.dataBase64", "must not be set together with spec.data"),
                arguments("cron bad base64", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().dataBase64 = "not base64!"),
                        "spec.dataBase64", "must be valid base64"),
                arguments("cron json data not an object", (Supplier<KilnResource>) () -> cronSource(s -> { s.getSpec().contentType = "application/json"; s.getSpec().data = "[1]"; }),
                        "spec.data", "must be a JSON object when spec.contentType is application/json"),
                arguments("cron bad content type", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().contentType = "json"),
                        "spec.contentType", "must be a media type such as application/json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reportsTheExactFieldAndMessage(String name, Supplier<KilnResource> source, String path, String message) {
        KilnResource resource = source.get();
        assertThat(resource.validate(ValidationPolicy.LOCAL).list()).containsExactly(new FieldError(path, message));
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("github", (Supplier<KilnResource>) () -> gitHubSource()),
                arguments("github org-wide, all events", (Supplier<KilnResource>) () -> gitHubSource(s -> {
                    s.getSpec().repositories = List.of("acme");
                    s.getSpec().eventTypes = List.of("*");
                })),
                arguments("github unsigned allowed", (Supplier<KilnResource>) () -> gitHubSource(s -> {
                    s.getSpec().secretToken = null;
                    s.getSpec().allowUnsigned = true;
                })),
                arguments("sink ref naming its own namespace", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().sink.ref.namespace = "demo")),
                arguments("sink ref namespace with no namespace to compare it to, as Knative skips it",
                        (Supplier<KilnResource>) () -> cronSource(s -> { s.getMetadata().setNamespace(null); s.getSpec().sink.ref.namespace = "other"; })),
                arguments("github uri sink", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().sink = Destination.uri("http://127.0.0.1:8080/demo/default"))),
                arguments("github rotating its secret", (Supplier<KilnResource>) () -> gitHubSource(s -> s.getSpec().previousSecretToken = SecretValueFromSource.of("old-hook", "token"))),
                arguments("gitlab with a signing token instead of a secret token", (Supplier<KilnResource>) () -> gitLabSource(s -> {
                    s.getSpec().signingToken = s.getSpec().secretToken;
                    s.getSpec().secretToken = null;
                })),
                arguments("gitlab subgroup project", (Supplier<KilnResource>) () -> gitLabSource(s -> s.getSpec().projects = List.of("https://gitlab.example.com/a/b/c"))),
                arguments("kafka ipv6 and many topics", (Supplier<KilnResource>) () -> kafkaSource(s -> {
                    s.getSpec().bootstrapServers = List.of("[::1]:9092", "127.0.0.1:9093");
                    s.getSpec().topics = List.of("a.b", "c_d-e");
                })),
                arguments("cron with seconds", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = "*/10 * * * * *")),
                arguments("cron descriptor", (Supplier<KilnResource>) () -> cronSource(s -> s.getSpec().schedule = "@hourly")),
                arguments("cron json data", (Supplier<KilnResource>) () -> cronSource(s -> {
                    s.getSpec().contentType = "application/json";
                    s.getSpec().data = "{\"message\": \"hello\"}";
                    s.getSpec().timezone = "Europe/Paris";
                })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsValidSources(String name, Supplier<KilnResource> source) {
        KilnResource resource = source.get();
        resource.applyDefaults();
        assertThat(resource.validate(ValidationPolicy.LOCAL).list()).isEmpty();
    }

    /** Where Kiln registers hooks through a forge's API: the Git URL schemes the cluster allows bound the API URLs it calls. */
    static final ValidationPolicy HTTPS_ONLY = ValidationPolicy.cluster(List.of("https", "ssh"), "registry.example.com/kiln", "KILN_GIT_SCHEMES in kiln-config");
    static final ValidationPolicy SSH_ONLY = ValidationPolicy.cluster(List.of("ssh"), "registry.example.com/kiln", "KILN_GIT_SCHEMES in kiln-config");
    static final ValidationPolicy WITH_HTTP = ValidationPolicy.cluster(List.of("https", "http"), "registry.example.com/kiln", "KILN_GIT_SCHEMES in kiln-config");

    static GitHubSource registeringGitHub(String apiUrl) {
        return gitHubSource(s -> {
            s.getSpec().accessToken = SecretValueFromSource.of("github-api", "token");
            s.getSpec().publicURL = "https://hooks.example.com/demo";
            s.getSpec().githubAPIURL = apiUrl;
        });
    }

    static GitLabSource gitLab(String project, boolean registering) {
        return gitLabSource(s -> {
            s.getSpec().projects = List.of(project);
            if (registering) {
                s.getSpec().accessToken = SecretValueFromSource.of("gitlab-api", "token");
                s.getSpec().publicURL = "https://hooks.example.com/demo";
            }
        });
    }

    static Stream<Arguments> forgeApiUrls() {
        String http = "http URLs are not allowed here: must be an https URL (KILN_GIT_SCHEMES in kiln-config allows more)";
        return Stream.of(
                arguments("github: an http API URL where only https is allowed", registeringGitHub("http://10.0.0.7/api/v3"), HTTPS_ONLY,
                        List.of(new FieldError("spec.githubAPIURL", http))),
                arguments("github: an https API URL", registeringGitHub("https://github.example.com/api/v3"), HTTPS_ONLY, List.of()),
                arguments("github: an http API URL where the operator allows http", registeringGitHub("http://10.0.0.7/api/v3"), WITH_HTTP, List.of()),
                arguments("github: the default API URL (https) where only ssh is allowed", registeringGitHub(null), SSH_ONLY,
                        List.of(new FieldError("spec.githubAPIURL", "https URLs are not allowed here: must be an http or https URL, and neither is"
                                + " allowed (KILN_GIT_SCHEMES in kiln-config allows more)"))),
                arguments("gitlab: an http project whose API registers the hook, where only https is allowed",
                        gitLab("http://gitlab.internal/acme/greeter", true), HTTPS_ONLY, List.of(new FieldError("spec.projects[0]", http))),
                arguments("gitlab: an http project without accessToken (only a filter: nothing is called)",
                        gitLab("http://gitlab.internal/acme/greeter", false), HTTPS_ONLY, List.of()),
                arguments("gitlab: an https project whose API registers the hook", gitLab("https://gitlab.example.com/acme/greeter", true), HTTPS_ONLY,
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeApiUrls")
    void theForgeApiUrlsKilnCallsAreBoundByTheAllowedGitSchemes(String name, KilnResource source, ValidationPolicy policy, List<FieldError> errors) {
        assertThat(source.validate(policy).list()).containsExactlyElementsOf(errors);
    }

    private static DeliverySpec delivery(KafkaSource s) {
        if (s.getSpec().delivery == null) {
            s.getSpec().delivery = new DeliverySpec();
        }
        return s.getSpec().delivery;
    }
}
