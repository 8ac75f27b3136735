package dev.kiln.controller.sources;

import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.controller.sources.webhooks.GitHubHooks;
import dev.kiln.controller.sources.webhooks.GitLabHooks;
import dev.kiln.controller.sources.webhooks.HookApi;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.CronSourceValidation;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitHubSourceValidation;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.GitLabSourceValidation;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.sources.v1alpha1.KafkaSourceDefaults;
import dev.kiln.api.sources.v1alpha1.KafkaSourceValidation;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What differs between source kinds for the controller: the adapter's kind, validation and defaults from
 * {@code api/}, the webhook secret the adapter needs, and a dead-letter sink to resolve.
 *
 * @param adapter the adapter command (github, gitlab, kafka, cron)
 * @param type the resource class
 * @param validate the kind's validation, under the installation's policy (the URLs it may call)
 * @param defaults the kind's defaults, applied in memory before the adapter's environment is derived
 * @param secrets the secrets the adapter reads, by field path (empty for kinds that read none)
 * @param deadLetterSink the dead-letter destination, or null
 * @param hooks what registering the hooks through the forge's API takes, when spec.accessToken asks for it
 * @param <S> the resource type
 */
public record SourceKind<S>(String adapter, Class<S> type, BiFunction<S, ValidationPolicy, FieldErrors> validate, Consumer<S> defaults,
        Function<S, Map<String, SecretValueFromSource>> secrets, Function<S, Destination> deadLetterSink,
        Function<S, Optional<HookRequest>> hooks) {

    /**
     * What registering a webhook source's hooks through the forge's API takes (its spec.accessToken is set).
     *
     * @param accessToken the API token's Secret
     * @param secret the hook's secret, or null (allowUnsigned)
     * @param targets the repositories or projects
     * @param publicURL the URL to register
     * @param events the events or hook flags
     * @param api the forge's API for a token
     */
    public record HookRequest(SecretValueFromSource accessToken, SecretValueFromSource secret, List<String> targets, String publicURL,
            List<String> events, BiFunction<HttpClient, String, HookApi> api) {
    }

    /** GitHub webhooks. */
    public static final SourceKind<GitHubSource> GITHUB = new SourceKind<>("github", GitHubSource.class, GitHubSourceValidation::validate,
            s -> { }, s -> s.getSpec().adapterSecrets(), s -> null,
            s -> s.getSpec().accessToken == null ? Optional.empty() : Optional.of(new HookRequest(s.getSpec().accessToken, s.getSpec().secretToken,
                    s.getSpec().repositories, s.getSpec().publicURL, s.getSpec().eventTypes, (http, token) -> new GitHubHooks(http,
                            s.getSpec().githubAPIURL == null ? GitHubSourceSpec.DEFAULT_API_URL : s.getSpec().githubAPIURL, token))));
    /** GitLab webhooks. */
    public static final SourceKind<GitLabSource> GITLAB = new SourceKind<>("gitlab", GitLabSource.class, GitLabSourceValidation::validate,
            s -> { }, s -> s.getSpec().adapterSecrets(), s -> null,
            s -> s.getSpec().accessToken == null ? Optional.empty() : Optional.of(new HookRequest(s.getSpec().accessToken, s.getSpec().secretToken,
                    s.getSpec().projects, s.getSpec().publicURL, s.getSpec().eventTypes, GitLabHooks::new)));
    /** Kafka topics. */
    public static final SourceKind<KafkaSource> KAFKA = new SourceKind<>("kafka", KafkaSource.class, (s, policy) -> KafkaSourceValidation.validate(s),
            KafkaSourceDefaults::apply, s -> Map.of(), s -> s.getSpec().delivery == null ? null : s.getSpec().delivery.deadLetterSink,
            s -> Optional.empty());
    /** Cron schedules. */
    public static final SourceKind<CronSource> CRON = new SourceKind<>("cron", CronSource.class, (s, policy) -> CronSourceValidation.validate(s),
            s -> { }, s -> Map.of(), s -> null, s -> Optional.empty());

    /** @return whether the adapter serves webhooks (a Service, a webhook URL and a secret) */
    public boolean webhook() {
        return "github".equals(adapter) || "gitlab".equals(adapter);
    }
}
