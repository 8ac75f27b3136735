package dev.kiln.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.builder.push.Push;
import dev.kiln.builder.push.PushEvents;
import dev.kiln.builder.host.LocalArtifacts;
import dev.kiln.builder.host.MavenCommand;
import dev.kiln.builder.host.MavenRepositories;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.contract.addressing.Addressing;
import dev.kiln.contract.addressing.Unresolvable;
import dev.kiln.eventing.EventingOptions;
import dev.kiln.eventing.EventingPlane;
import dev.kiln.eventing.ResourceState;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.local.functions.GitRevisions;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.worktree.TreeFunction;
import dev.kiln.local.worktree.TreeWatcher;
import dev.kiln.local.manifests.Manifest;
import dev.kiln.sources.RunningAdapter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The whole platform on one machine, from the manifests a cluster would take: Functions host-built and served
 * behind activators, Knative's Brokers, Triggers, Sequences and Parallels on the eventing plane, and the sources'
 * adapters, each sending to its resolved sink. State lives under {@code .kiln/}: the build cache (a restart
 * rebuilds nothing that did not change), logs, and {@code dev.json}, which tells {@code kiln get} and
 * {@code kiln send} where this instance listens.
 */
public final class DevPlatform implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DevPlatform.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How {@code kiln dev} runs.
     *
     * @param stateDir the {@code .kiln} directory
     * @param eventingPort the eventing plane's port (Brokers at {@code /<ns>/<name>})
     * @param adminPort the port of {@code kiln get}'s API (0: any)
     * @param kafka a Kafka for durable Brokers, or null
     * @param java the runtime functions run on
     * @param maven the Maven that builds functions, or null for {@code KILN_MAVEN} or {@code mvn} on the PATH
     * @param mavenRepository the local repository function builds write (what they download), or null for the user's
     *     Kiln cache ({@link MavenRepositories}); the staged SDK and the user's {@code ~/.m2} are read behind it
     */
    public record Options(Path stateDir, int eventingPort, int adminPort, String kafka, JavaRuntime java, MavenCommand maven,
            Path mavenRepository) {
    }

    private final Options options;
    private final Clock clock = Clock.systemUTC();
    private final Vertx vertx = Vertx.vertx();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final Map<String, RunningAdapter> adapters = new LinkedHashMap<>();
    private final Map<String, String> adapterProblems = new LinkedHashMap<>();
    private final List<Manifest> manifests;
    private final ManifestIndex index;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-dev-timer");
        t.setDaemon(true);
        return t;
    });
    private HostBuilder builder;
    private EventingPlane plane;
    private HttpServer admin;
    private DeadLetterStore deadLetters;
    private TreeWatcher watcher;

    private DevPlatform(Options options, List<Manifest> manifests) {
        this.options = options;
        this.manifests = manifests;
        this.index = new ManifestIndex(manifests);
    }

    /**
     * Starts everything; builds run in the background (each function serves once its first build is done).
     *
     * @param options how to run
     * @param manifests validated manifests
     * @return the running platform
     * @throws Exception when a port or the state directory is not usable
     */
    public static DevPlatform start(Options options, List<Manifest> manifests) throws Exception {
        DevPlatform p = new DevPlatform(options, manifests);
        try {
            p.startAll();
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void startAll() throws Exception {
        // Absolute: instances run in their own directories, and their command lines name files under it.
        Path state = Files.createDirectories(options.stateDir().toAbsolutePath().normalize());
        Path logs = Files.createDirectories(state.resolve("logs"));
        deadLetters = new DeadLetterStore(state.resolve("dead-letters"));
        Path sdkRepo = state.resolve("sdk-repository");
        LocalArtifacts.stage(sdkRepo, LocalArtifacts.sdkJar());
        MavenRepositories repositories = MavenRepositories.forUser(sdkRepo, System.getenv(), Path.of(System.getProperty("user.home")));
        builder = new HostBuilder(new HostBuilder.Config(state.resolve("cache"), options.maven() != null ? options.maven() : MavenCommand.locate(System.getenv()),
                repositories.tails(), options.mavenRepository() != null ? options.mavenRepository() : repositories.kiln(), options.java(), 30, 2, System.getenv()));

        // Every function's environment first: a reference that does not resolve stops the start, with all of them.
        Map<Manifest, Map<String, String>> envs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.resource() instanceof Function f) {
                ManifestIndex.Environment env = index.environment(f, m.where());
                envs.put(m, env.values());
                problems.addAll(env.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("function environments do not resolve:\n  " + String.join("\n  ", problems));
        }
        for (Map.Entry<Manifest, Map<String, String>> e : envs.entrySet()) {
            LocalFunction fn = function(e.getKey(), e.getValue(), state.resolve("cache"), logs);
            functions.put(fn.id(), fn);
        }
        // OTEL_EXPORTER_OTLP_ENDPOINT in kiln dev's environment turns the plane's span export on.
        EventingOptions eventing = EventingOptions.defaults().withPort(options.eventingPort()).withResolver(this::functionAddress)
                .withTelemetry(System.getenv());
        if (options.kafka() != null) {
            eventing = eventing.withKafka(options.kafka());
        }
        plane = EventingPlane.start(eventing);
        admin = AdminApi.listen(vertx, this, options.adminPort());
        for (Manifest m : manifests) {
            HasMetadata r = m.resource();
            if (!(r instanceof Function) && !(r instanceof Secret) && !(r instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec)) {
                if (r instanceof io.fabric8.knative.eventing.v1.Broker b) {
                    plane.apply(withDeadLetters(b));
                    plane.apply(pushTrigger(b));
                } else {
                    plane.apply(r);
                }
            }
        }
        for (Manifest m : manifests) {
            if (m.resource() instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec) {
                startSource(m.resource(), (SourceSpec) cr.getSpec());
            }
        }
        Files.writeString(state.resolve("dev.json"), JSON.writeValueAsString(Map.of("admin", "http://127.0.0.1:" + admin.actualPort(),
                "eventing", plane.baseUrl(), "pid", ProcessHandle.current().pid())));
        timer.scheduleWithFixedDelay(() -> functions.values().forEach(LocalFunction::reap), 1, 1, TimeUnit.SECONDS);
        functions.values().forEach(this::refreshAndSchedule);
    }

    /**
     * A Function's runtime: versions from its working tree when its source is a local path, else from Git.
     */
    private LocalFunction function(Manifest m, Map<String, String> env, Path cache, Path logs) throws IOException {
        Function f = (Function) m.resource();
        if (m.workingTree() == null) {
            return new LocalFunction(vertx, f, env, logs, 0, clock, fn -> new GitRevisions(fn, builder, index::credentials, options.java()));
        }
        if (watcher == null) {
            watcher = new TreeWatcher();
        }
        return new LocalFunction(vertx, f, env, logs, 0, clock, fn -> {
            try {
                return new TreeFunction(fn, m.workingTree(), builder, options.java(), cache.resolve("trees"), watcher);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot watch " + m.workingTree() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * A Broker without a dead-letter sink gets local mode's store ({@code kiln dlq}): what a cluster would drop after
     * the retries is kept on disk instead. A Broker that names its own sink keeps it.
     */
    private io.fabric8.knative.eventing.v1.Broker withDeadLetters(io.fabric8.knative.eventing.v1.Broker broker) {
        var spec = broker.getSpec();
        if (spec != null && spec.getDelivery() != null && spec.getDelivery().getDeadLetterSink() != null) {
            return broker;
        }
        String uri = "http://127.0.0.1:" + admin.actualPort() + "/dlq/" + broker.getMetadata().getNamespace() + "/" + broker.getMetadata().getName();
        return new io.fabric8.knative.eventing.v1.BrokerBuilder(broker).editOrNewSpec().editOrNewDelivery()
                .withNewDeadLetterSink().withUri(uri).endDeadLetterSink().endDelivery().endSpec().build();
    }

    /** @return where dead letters of Brokers without their own sink are kept */
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    /**
     * The Trigger local mode adds to every Broker: GitHub and GitLab pushes go to {@code kiln dev} itself, which
     * rebuilds the functions tracking the pushed branch, as the controller's push endpoint does in a cluster. It is
     * not listed by {@code kiln get}: it is part of the platform, not of the manifests.
     */
    private io.fabric8.knative.eventing.v1.Trigger pushTrigger(io.fabric8.knative.eventing.v1.Broker broker) {
        return new io.fabric8.knative.eventing.v1.TriggerBuilder().withNewMetadata().withName("kiln-dev-push-" + broker.getMetadata().getName())
                .withNamespace(broker.getMetadata().getNamespace()).endMetadata()
                .withNewSpec().withBroker(broker.getMetadata().getName())
                .addNewFilter().addNewAny().addToExact("type", PushEvents.GITHUB_PUSH).endAny()
                .addNewAny().addToExact("type", PushEvents.GITLAB_PUSH).endAny().endFilter()
                .withNewSubscriber().withUri("http://127.0.0.1:" + admin.actualPort() + "/push").endSubscriber()
                .endSpec().build();
    }

    /**
     * A push: every function whose repository and revision it moved is resolved again, and so rebuilt.
     *
     * @param push the push
     * @return the functions asked to rebuild, {@code namespace/name}
     */
    public List<String> onPush(Push push) {
        List<String> moved = new ArrayList<>();
        for (Function f : PushRebuilds.moved(push, functions.values().stream().map(LocalFunction::function).toList())) {
            LocalFunction fn = functions.get(f.getMetadata().getNamespace() + "/" + f.getMetadata().getName());
            moved.add(fn.id());
            fn.refresh();
        }
        return moved;
    }

    private void refreshAndSchedule(LocalFunction fn) {
        fn.refresh();
        String poll = fn.function().getSpec().source.git.pollInterval; // never set for a working tree (Manifests)
        if (poll != null) {
            long ms = dev.kiln.api.validation.GoDurations.parse(poll).toMillis();
            timer.scheduleWithFixedDelay(fn::refresh, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void startSource(HasMetadata source, SourceSpec spec) {
        String id = source.getKind() + " " + source.getMetadata().getNamespace() + "/" + source.getMetadata().getName();
        try {
            String sink = plane.resolve(spec.sink, source.getMetadata().getNamespace()).toString();
            String dls = null;
            if (source instanceof dev.kiln.api.sources.v1alpha1.KafkaSource k && k.getSpec().delivery != null && k.getSpec().delivery.deadLetterSink != null) {
                dls = plane.resolve(k.getSpec().delivery.deadLetterSink, source.getMetadata().getNamespace()).toString();
            }
            AdapterEnvironment env = AdapterEnvironment.of(source, sink, dls);
            Map<String, String> vars = new LinkedHashMap<>(index.adapterVariables(env, source.getMetadata().getNamespace()));
            vars.put("HOST", "127.0.0.1");
            vars.put("PORT", "0");
            adapters.put(id, RunningAdapter.start(env.kind(), vars));
        } catch (Exception e) {
            adapterProblems.put(id, e.getMessage());
            LOG.warning(id + " did not start: " + e.getMessage());
        }
    }

    /** Refs the eventing plane does not host: Functions (and Knative Services of the same name) are their activators. */
    private URI functionAddress(Addressing.Ref ref) {
        boolean function = "Function".equals(ref.kind()) || ref.is("serving.knative.dev", "Service");
        LocalFunction fn = function ? functions.get(ref.namespace() + "/" + ref.name()) : null;
        if (fn == null) {
            throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " is not among the manifests");
        }
        return URI.create(fn.url());
    }

    /** @return the functions, by {@code namespace/name} */
    public Map<String, LocalFunction> functions() {
        return functions;
    }

    /** @return the eventing plane */
    public EventingPlane plane() {
        return plane;
    }

    /** @return every resource's state, as {@code kiln get} shows it */
    public List<Map<String, Object>> states() {
        return StatusTable.rows(manifests, new StatusTable.States() {
            @Override
            public LocalFunction.Status function(String id) {
                return functions.get(id).status();
            }

            @Override
            public StatusTable.Adapter adapter(String id) {
                RunningAdapter a = adapters.get(id);
                return new StatusTable.Adapter(a == null ? null : a.port(), adapterProblems.get(id));
            }

            @Override
            public ResourceState eventing(HasMetadata resource) {
                return plane.state(resource);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (RunningAdapter a : adapters.values()) {
            try {
                a.close();
            } catch (Exception e) {
                LOG.fine("adapter close: " + e.getMessage());
            }
        }
        for (LocalFunction f : functions.values()) {
            stops.add(CompletableFuture.runAsync(f::close));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).exceptionally(t -> null).join();
        if (plane != null) {
            try {
                plane.close();
            } catch (Exception e) {
                LOG.fine("plane close: " + e.getMessage());
            }
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.fine("watcher close: " + e.getMessage());
            }
        }
        if (builder != null) {
            try {
                builder.close();
            } catch (Exception e) {
                LOG.fine("builder close: " + e.getMessage());
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
}
