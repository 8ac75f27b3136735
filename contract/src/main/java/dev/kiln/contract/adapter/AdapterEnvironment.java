package dev.kiln.contract.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.duck.CloudEventOverrides;
import dev.kiln.api.duck.DeliverySpec;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The environment an adapter runs with, derived from a source resource: the inverse of what the adapters read
 * ({@code dev.kiln.sources.AdapterSettings} and each kind's settings; {@code AdapterEnvironmentTest} in event-sources
 * reads every variable back with them). It lives here, not beside the adapters, so the controller compiles against the
 * contract and not the adapters' runtime. The controller turns it into a Deployment's env (secrets as {@code secretKeyRef}, never copied), {@code kiln dev}
 * into a child process's environment.
 *
 * @param kind the adapter's command: github, gitlab, kafka or cron
 * @param variables the variables, in a stable order
 */
public record AdapterEnvironment(String kind, List<Variable> variables) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One variable: a literal value, or a key of a Secret in the source's namespace.
     *
     * @param name the variable's name
     * @param value the literal value, or null when {@code secretName} is set
     * @param secretName the Secret holding the value, or null
     * @param secretKey the key in that Secret, or null
     */
    public record Variable(String name, String value, String secretName, String secretKey) {

        static Variable literal(String name, String value) {
            return new Variable(name, value, null, null);
        }

        /** @return whether the value comes from a Secret */
        public boolean fromSecret() {
            return secretName != null;
        }
    }

    /**
     * @param source a GitHubSource, GitLabSource, KafkaSource or CronSource, validated and defaulted
     * @param sinkUri the sink's resolved URL
     * @param deadLetterUri the resolved dead-letter sink (Kafka), or null
     * @return the adapter's kind and environment
     * @throws IllegalArgumentException for any other kind
     */
    public static AdapterEnvironment of(HasMetadata source, String sinkUri, String deadLetterUri) {
        List<Variable> vars = new ArrayList<>();
        vars.add(Variable.literal("K_SINK", sinkUri));
        vars.add(Variable.literal("NAMESPACE", source.getMetadata().getNamespace()));
        vars.add(Variable.literal("NAME", source.getMetadata().getName()));
        String kind;
        SourceSpec common;
        if (source instanceof GitHubSource gh) {
            kind = "github";
            common = gh.getSpec();
            secret(vars, "GITHUB_SECRET_TOKEN", gh.getSpec().secretToken);
            secret(vars, "GITHUB_PREVIOUS_SECRET_TOKEN", gh.getSpec().previousSecretToken);
            list(vars, "GITHUB_EVENT_TYPES", gh.getSpec().eventTypes);
            list(vars, "GITHUB_REPOSITORIES", gh.getSpec().repositories);
            flag(vars, "GITHUB_ALLOW_UNSIGNED", gh.getSpec().allowUnsigned);
        } else if (source instanceof GitLabSource gl) {
            kind = "gitlab";
            common = gl.getSpec();
            secret(vars, "GITLAB_SECRET_TOKEN", gl.getSpec().secretToken);
            secret(vars, "GITLAB_PREVIOUS_SECRET_TOKEN", gl.getSpec().previousSecretToken);
            secret(vars, "GITLAB_SIGNING_TOKEN", gl.getSpec().signingToken);
            secret(vars, "GITLAB_PREVIOUS_SIGNING_TOKEN", gl.getSpec().previousSigningToken);
            list(vars, "GITLAB_EVENT_TYPES", gl.getSpec().eventTypes);
            list(vars, "GITLAB_PROJECTS", gl.getSpec().projects);
            flag(vars, "GITLAB_ALLOW_UNSIGNED", gl.getSpec().allowUnsigned);
        } else if (source instanceof KafkaSource k) {
            kind = "kafka";
            common = k.getSpec();
            list(vars, "KAFKA_BOOTSTRAP_SERVERS", k.getSpec().bootstrapServers);
            list(vars, "KAFKA_TOPICS", k.getSpec().topics);
            optional(vars, "KAFKA_CONSUMER_GROUP", k.getSpec().consumerGroup);
            optional(vars, "KAFKA_INITIAL_OFFSET", k.getSpec().initialOffset);
            optional(vars, "KAFKA_ORDERING", k.getSpec().ordering);
            optional(vars, "KAFKA_KEY_TYPE", k.getSpec().keyType);
            delivery(vars, k.getSpec().delivery);
            optional(vars, "K_DEAD_LETTER_SINK", deadLetterUri);
        } else if (source instanceof CronSource c) {
            kind = "cron";
            common = c.getSpec();
            optional(vars, "CRON_SCHEDULE", c.getSpec().schedule);
            optional(vars, "CRON_TIMEZONE", c.getSpec().timezone);
            optional(vars, "CRON_DATA", c.getSpec().data);
            optional(vars, "CRON_DATA_BASE64", c.getSpec().dataBase64);
            optional(vars, "CRON_CONTENT_TYPE", c.getSpec().contentType);
        } else {
            throw new IllegalArgumentException("not an event source kind: " + source.getKind());
        }
        overrides(vars, common.ceOverrides);
        return new AdapterEnvironment(kind, List.copyOf(vars));
    }

    /** @return whether the adapter serves webhooks (and so needs a Service in front of it) */
    public boolean webhook() {
        return "github".equals(kind) || "gitlab".equals(kind);
    }

    private static void secret(List<Variable> vars, String name, SecretValueFromSource value) {
        if (value != null && value.secretKeyRef != null) {
            vars.add(new Variable(name, null, value.secretKeyRef.getName(), value.secretKeyRef.getKey()));
        }
    }

    private static void list(List<Variable> vars, String name, List<String> values) {
        if (values != null && !values.isEmpty()) {
            vars.add(Variable.literal(name, String.join(",", values)));
        }
    }

    private static void flag(List<Variable> vars, String name, Boolean value) {
        if (Boolean.TRUE.equals(value)) {
            vars.add(Variable.literal(name, "true"));
        }
    }

    private static void optional(List<Variable> vars, String name, String value) {
        if (value != null && !value.isEmpty()) {
            vars.add(Variable.literal(name, value));
        }
    }

    private static void delivery(List<Variable> vars, DeliverySpec delivery) {
        if (delivery == null) {
            return;
        }
        if (DeliverySpec.LINEAR.equals(delivery.backoffPolicy)) {
            // The adapters back off exponentially only; a silent switch would retry on a different schedule.
            throw new IllegalArgumentException("spec.delivery.backoffPolicy: linear is not supported by Kiln's adapters, use exponential");
        }
        if (delivery.retry != null) {
            vars.add(Variable.literal("SEND_RETRY", delivery.retry.toString()));
        }
        optional(vars, "SEND_BACKOFF_DELAY", delivery.backoffDelay);
        optional(vars, "SEND_TIMEOUT", delivery.timeout);
    }

    private static void overrides(List<Variable> vars, CloudEventOverrides overrides) {
        if (overrides == null || overrides.extensions == null || overrides.extensions.isEmpty()) {
            return;
        }
        try {
            vars.add(Variable.literal("K_CE_OVERRIDES", JSON.writeValueAsString(overrides)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("extensions are strings: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        // Secrets are named, never resolved: this is safe to log.
        StringBuilder b = new StringBuilder(kind.toLowerCase(Locale.ROOT));
        variables.forEach(v -> b.append(' ').append(v.name()).append('=').append(v.fromSecret() ? "<" + v.secretName() + "/" + v.secretKey() + ">" : v.value()));
        return b.toString();
    }
}
