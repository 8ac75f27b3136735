package dev.kiln.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.builder.host.HostBuilder;
import dev.kiln.builder.push.Push;
import dev.kiln.builder.host.LocalArtifacts;
import dev.kiln.builder.host.MavenCommand;
import dev.kiln.builder.host.MavenRepositories;
import dev.kiln.eventing.EventingOptions;
import dev.kiln.eventing.EventingPlane;
import dev.kiln.eventing.ResourceState;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.local.functions.GitRevisions;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.worktree.TreeFunction;
import dev.kiln.local.worktree.TreeWatcher;
import dev.kiln.local.manifests.Manifest;
import dev.kiln.local.observe.Observed;
import dev.kiln.sources.send.SourceMetrics;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The whole platform on one machine, from the manifests a cluster would take: Functions host-built and served
 * behind activators, Knative's Brokers, Triggers, Sequences and Parallels on the eventing plane, and the sources'
 * adapters, each sending to its resolved sink. State lives under {@code .kiln/}: the build cache (a restart
 * rebuilds nothing that did not change), logs, and {@code dev.json}, which tells {@code kiln get} and
 * {@code kiln send} where this instance listens. Edited manifests are applied as a difference
 * ({@link #reload}, {@link #reloadOnChange}); an invalid edit changes nothing.
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
     * @param journeys the journey steps the eventing plane keeps (0: none, and {@code kiln events}/{@code kiln trace}
     *     have nothing to show)
     */
    public record Options(Path stateDir, int eventingPort, int adminPort, String kafka, JavaRuntime java, MavenCommand maven,
            Path mavenRepository, int journeys) {

        /** Options keeping the plane's default journeys ({@link EventingOptions#DEFAULT_JOURNEYS}). */
        public Options(Path stateDir, int eventingPort, int adminPort, String kafka, JavaRuntime java, MavenCommand maven, Path mavenRepository) {
            this(stateDir, eventingPort, adminPort, kafka, java, maven, mavenRepository, EventingOptions.DEFAULT_JOURNEYS);
        }
    }

    private final Options options;
    private final Clock clock = Clock.systemUTC();
    private final Vertx vertx = Vertx.vertx();
    /** The manifests running, and what is read from them; replaced together by a reload. */
    private volatile List<Manifest> manifests;
    private volatile ManifestIndex index;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-dev-timer");
        t.setDaemon(true);
        return t;
    });
    private HostBuilder builder;
    private LocalFunctions functions;
    private SourceAdapters adapters;
    private EventingPlane plane;
    private LocalBrokers brokers;
    private HttpServer admin;
    private DeadLetterStore deadLetters;
    private TreeWatcher watcher;
    private ManifestWatch manifestWatch;
    private Path cache;

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
     * @throws PortInUseException when the eventing plane's port is taken
     * @throws Exception when the state directory is not usable
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
        cache = state.resolve("cache");
        deadLetters = new DeadLetterStore(state.resolve("dead-letters"));
        Path sdkRepo = state.resolve("sdk-repository");
        LocalArtifacts.stage(sdkRepo, LocalArtifacts.sdkJar());
        MavenRepositories repositories = MavenRepositories.forUser(sdkRepo, System.getenv(), Path.of(System.getProperty("user.home")));
        builder = new HostBuilder(new HostBuilder.Config(cache, options.maven() != null ? options.maven() : MavenCommand.locate(System.getenv()),
                repositories.tails(), options.mavenRepository() != null ? options.mavenRepository() : repositories.kiln(), options.java(), 30, 2, System.getenv()));

        // Every function's environment first: a reference that does not resolve stops the start, with all of them.
        Map<String, Map<String, String>> envs = index.environments(manifests);
        functions = new LocalFunctions(vertx, logs, clock, this::source, timer);
        functions.create(manifests, envs);
        // OTEL_EXPORTER_OTLP_ENDPOINT in kiln dev's environment turns the plane's span export on.
        EventingOptions eventing = EventingOptions.defaults().withPort(options.eventingPort()).withResolver(ref -> functions.address(ref))
                .withJourneys(options.journeys()).withTelemetry(System.getenv());
        if (options.kafka() != null) {
            eventing = eventing.withKafka(options.kafka());
        }
        try {
            plane = EventingPlane.start(eventing);
        } catch (Exception e) {
            if (PortInUseException.bindFailure(e) != null) {
                throw new PortInUseException(eventing.host(), eventing.port(), e);
            }
            throw e;
        }
        adapters = new SourceAdapters(plane::resolve, () -> index, System.getenv());
        admin = AdminApi.listen(vertx, this, options.adminPort());
        brokers = new LocalBrokers(adminUrl());
        for (Manifest m : manifests) {
            if (ReloadPlan.onThePlane(m.resource())) {
                apply(m.resource());
            }
        }
        adapters.start(manifests);
        Files.writeString(state.resolve("dev.json"), JSON.writeValueAsString(Map.of("admin", adminUrl(),
                "eventing", plane.baseUrl(), "pid", ProcessHandle.current().pid())));
        timer.scheduleWithFixedDelay(functions::reap, 1, 1, TimeUnit.SECONDS);
        functions.refreshAll();
    }

    /** A Function's versions: from its working tree when its source is a local path, else from Git. */
    private java.util.function.Function<LocalFunction, LocalFunction.Source> source(Manifest m) throws IOException {
        if (m.workingTree() == null) {
            // The credentials are read from the manifests as they are when a revision is resolved.
            return fn -> new GitRevisions(fn, builder, f -> index.credentials(f), options.java());
        }
        TreeWatcher trees = watcher();
        return fn -> {
            try {
                return new TreeFunction(fn, m.workingTree(), builder, options.java(), cache.resolve("trees"), trees);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot watch " + m.workingTree() + ": " + e.getMessage(), e);
            }
        };
    }

    private synchronized TreeWatcher watcher() throws IOException {
        if (watcher == null) {
            watcher = new TreeWatcher();
        }
        return watcher;
    }

    /** Applies a resource of the plane; a Broker with local mode's dead letters and push Trigger. */
    private void apply(HasMetadata r) {
        brokers.onThePlane(r).forEach(plane::apply);
    }

    /** Deletes a resource of the plane; a Broker with its push Trigger. */
    private void delete(HasMetadata r) {
        plane.delete(r);
        if (r instanceof Broker b) {
            plane.delete(brokers.pushTrigger(b));
        }
    }

    /**
     * Watches the manifests (every {@code .yaml}/{@code .yml} under DIR, and its {@code pom.xml} for a function
     * project) and applies each edit as a difference ({@link #reload}), {@value ManifestWatch#QUIET_MS} ms after the
     * last change. An edit that does not load (a parse or validation error) changes nothing: it is reported, by
     * file, document and field path, in {@code kiln dev}'s output and as a {@code Manifests} row of
     * {@link #states()}, until an edit loads.
     *
     * @param dir what {@code kiln dev} was given: a directory, a project, or one file
     * @param load reads the manifests again (the same way as at start)
     * @throws IOException when it cannot be watched
     */
    public void reloadOnChange(Path dir, java.util.concurrent.Callable<List<Manifest>> load) throws IOException {
        manifestWatch = ManifestWatch.start(watcher(), dir, load, this::reload);
    }

    /**
     * Applies new manifests as a difference with the running ones, without a restart, as {@link ReloadPlan} decides
     * for Functions and the plane and {@link SourceAdapters#reload} for sources. Nothing is changed when a
     * Function's environment does not resolve.
     *
     * @param after the manifests as they are now, validated
     * @return what changed
     * @throws IllegalArgumentException listing the environment references that do not resolve
     * @throws IOException when a working tree cannot be watched
     */
    public synchronized ManifestChanges reload(List<Manifest> after) throws IOException {
        ManifestIndex nextIndex = new ManifestIndex(after);
        Map<String, Map<String, String>> envs = nextIndex.environments(after);
        ManifestChanges changes = ManifestChanges.between(manifests, after);
        ReloadPlan plan = ReloadPlan.of(manifests, changes, after, envs, functions::environment);
        index = nextIndex;
        functions.apply(plan, envs);
        plan.deleted().forEach(this::delete);
        plan.applied().forEach(this::apply);
        adapters.reload(changes, after);
        manifests = List.copyOf(after);
        if (!changes.isEmpty()) {
            LOG.info("manifests reloaded: " + changes.summary());
        }
        return changes;
    }

    /** @return where dead letters of Brokers without their own sink are kept */
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    /**
     * A push: every function whose repository and revision it moved is resolved again, and so rebuilt.
     *
     * @param push the push
     * @return the functions asked to rebuild, {@code namespace/name}
     */
    public List<String> onPush(Push push) {
        return functions.onPush(push);
    }

    /** @return the functions, by {@code namespace/name} */
    public Map<String, LocalFunction> functions() {
        return functions.all();
    }

    /** @return the eventing plane */
    public EventingPlane plane() {
        return plane;
    }

    /** @return the local API's base URL: the dashboard's address, and what {@code kiln get} and {@code kiln trace} call */
    public String adminUrl() {
        return "http://127.0.0.1:" + admin.actualPort();
    }

    /** @return what the dashboard and the journeys' API read of this platform */
    public Observed observed() {
        return new Observed() {
            @Override
            public List<HasMetadata> resources() {
                return manifests.stream().map(Manifest::resource).toList();
            }

            @Override
            public List<Map<String, Object>> states() {
                return DevPlatform.this.states();
            }

            @Override
            public EventingPlane plane() {
                return plane;
            }

            @Override
            public Map<String, LocalFunction> functions() {
                return functions.all();
            }

            @Override
            public Map<String, SourceMetrics> sources() {
                return adapters.metrics();
            }

            @Override
            public DeadLetterStore deadLetters() {
                return deadLetters;
            }
        };
    }

    /** @return every resource's state, as {@code kiln get} shows it; a refused edit of the manifests first */
    public List<Map<String, Object>> states() {
        List<Map<String, Object>> rows = new ArrayList<>();
        ManifestWatch watch = manifestWatch;
        if (watch != null && !watch.refused().isEmpty()) {
            rows.add(StatusTable.refused(watch.target(), watch.refused()));
        }
        rows.addAll(StatusTable.rows(manifests, new StatusTable.States() {
            @Override
            public LocalFunction.Status function(String id) {
                return functions.all().get(id).status();
            }

            @Override
            public StatusTable.Adapter adapter(String id) {
                return adapters.state(id);
            }

            @Override
            public ResourceState eventing(HasMetadata resource) {
                return plane.state(resource);
            }
        }));
        return rows;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        closeQuietly(manifestWatch, "manifest watch");
        closeQuietly(adapters, "adapters");
        closeQuietly(functions, "functions");
        closeQuietly(plane, "plane");
        closeQuietly(watcher, "watcher");
        closeQuietly(builder, "builder");
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }

    private static void closeQuietly(AutoCloseable part, String what) {
        if (part != null) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.fine(what + " close: " + e.getMessage());
            }
        }
    }
}
