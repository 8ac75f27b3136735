package dev.kiln.api;

import dev.kiln.api.duck.CloudEventOverrides;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import dev.kiln.api.duck.SecretValueFromSource;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.function.Consumer;

/** Valid objects of every kind, with options applied on top: each test changes only what it is about. */
public final class Fixtures {

    private Fixtures() {
    }

    @SafeVarargs
    public static Function function(Consumer<Function>... options) {
        Function f = named(new Function(), "greeter");
        f.getSpec().source = new FunctionSource();
        f.getSpec().source.git = new GitSource();
        f.getSpec().source.git.url = "https://github.com/acme/greeter.git";
        return apply(f, options);
    }

    @SafeVarargs
    public static GitHubSource gitHubSource(Consumer<GitHubSource>... options) {
        GitHubSource s = named(new GitHubSource(), "pushes");
        s.getSpec().repositories = new java.util.ArrayList<>(List.of("acme/greeter"));
        s.getSpec().eventTypes = new java.util.ArrayList<>(List.of("push"));
        s.getSpec().secretToken = SecretValueFromSource.of("github-webhook", "token");
        s.getSpec().sink = brokerSink();
        return apply(s, options);
    }

    @SafeVarargs
    public static GitLabSource gitLabSource(Consumer<GitLabSource>... options) {
        GitLabSource s = named(new GitLabSource(), "pushes");
        s.getSpec().projects = new java.util.ArrayList<>(List.of("https://gitlab.com/acme/greeter"));
        s.getSpec().eventTypes = new java.util.ArrayList<>(List.of("push_events"));
        s.getSpec().secretToken = SecretValueFromSource.of("gitlab-webhook", "token");
        s.getSpec().sink = brokerSink();
        return apply(s, options);
    }

    @SafeVarargs
    public static KafkaSource kafkaSource(Consumer<KafkaSource>... options) {
        KafkaSource s = named(new KafkaSource(), "orders");
        s.getSpec().bootstrapServers = new java.util.ArrayList<>(List.of("my-cluster-kafka-bootstrap.kafka:9092"));
        s.getSpec().topics = new java.util.ArrayList<>(List.of("orders"));
        s.getSpec().sink = brokerSink();
        return apply(s, options);
    }

    @SafeVarargs
    public static CronSource cronSource(Consumer<CronSource>... options) {
        CronSource s = named(new CronSource(), "nightly");
        s.getSpec().schedule = "0 3 * * *";
        s.getSpec().sink = brokerSink();
        return apply(s, options);
    }

    public static Destination brokerSink() {
        return Destination.ref(new KReference("eventing.knative.dev/v1", "Broker", "default"));
    }

    public static CloudEventOverrides overrides(String name, String value) {
        CloudEventOverrides o = new CloudEventOverrides();
        o.extensions.put(name, value);
        return o;
    }

    private static <T extends HasMetadata> T named(T resource, String name) {
        resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("demo").withGeneration(1L).build());
        return resource;
    }

    @SafeVarargs
    private static <T> T apply(T resource, Consumer<T>... options) {
        for (Consumer<T> option : options) {
            option.accept(resource);
        }
        return resource;
    }
}
