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
import dev.kiln.local.observe.Observed;
import dev.kiln.sources.send.SourceMetrics;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
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
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> polls = new ConcurrentHashMap<>();
    private final Map<String, RunningAdapter> adapters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> adapterVariables = new ConcurrentHashMap<>();
    private final Map<String, String> adapterProblems = new ConcurrentHashMap<>();
    /** The manifests running, and what is read from them; replaced together by a reload. */
    private volatile List<Manifest> manifests;
    private volatile ManifestIndex index;
    /** The problems of the last edit of the manifests, when it was refused; else empty. */
    private volatile List<String> refused = List.of();
    private volatile Path watched;
    private AutoCloseable manifestWatch;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-dev-timer");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kiln-dev-reload");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean reloadScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private HostBuilder builder;
    private EventingPlane plane;
    private HttpServer admin;
    private DeadLetterStore deadLetters;
    private TreeWatcher watcher;
    private Path cache;
    private Path logs;

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
        logs = Files.createDirectories(state.resolve("logs"));
        cache = state.resolve("cache");
        deadLetters = new DeadLetterStore(state.resolve("dead-letters"));
        Path sdkRepo = state.resolve("sdk-repository");
        LocalArtifacts.stage(sdkRepo, LocalArtifacts.sdkJar());
        MavenRepositories repositories = MavenRepositories.forUser(sdkRepo, System.getenv(), Path.of(System.getProperty("user.home")));
        builder = new HostBuilder(new HostBuilder.Config(state.resolve("cache"), options.maven() != null ? options.maven() : MavenCommand.locate(System.getenv()),
                repositories.tails(), options.mavenRepository() != null ? options.mavenRepository() : repositories.kiln(), options.java(), 30, 2, System.getenv()));

        // Every function's environment first: a reference that does not resolve stops the start, with all of them.
        Map<String, Map<String, String>> envs = environments(manifests, index);
        for (Manifest m : manifests) {
            if (m.resource() instanceof Function) {
                LocalFunction fn = function(m, envs.get(m.describe()));
                functions.put(fn.id(), fn);
            }
        }
        // OTEL_EXPORTER_OTLP_ENDPOINT in kiln dev's environment turns the plane's span export on.
        EventingOptions eventing = EventingOptions.defaults().withPort(options.eventingPort()).withResolver(this::functionAddress)
                .withJourneys(options.journeys()).withTelemetry(System.getenv());
        if (options.kafka() != null) {
            eventing = eventing.withKafka(options.kafka());
        }
        plane = EventingPlane.start(eventing);
        admin = AdminApi.listen(vertx, this, options.adminPort());
        for (Manifest m : manifests) {
            if (onThePlane(m.resource())) {
                apply(m.resource());
            }
        }
        for (Manifest m : manifests) {
            if (isSource(m.resource())) {
                startSource(m.resource());
            }
        }
        Files.writeString(state.resolve("dev.json"), JSON.writeValueAsString(Map.of("admin", "http://127.0.0.1:" + admin.actualPort(),
                "eventing", plane.baseUrl(), "pid", ProcessHandle.current().pid())));
        timer.scheduleWithFixedDelay(() -> functions.values().forEach(LocalFunction::reap), 1, 1, TimeUnit.SECONDS);
        functions.values().forEach(this::refreshAndSchedule);
    }

    /**
     * Every Function's environment, as a kubelet would resolve it.
     *
     * @return by {@code Function namespace/name}
     * @throws IllegalArgumentException listing every reference that does not resolve
     */
    private static Map<String, Map<String, String>> environments(List<Manifest> manifests, ManifestIndex index) {
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.resource() instanceof Function f) {
                ManifestIndex.Environment env = index.environment(f, m.where());
                envs.put(m.describe(), env.values());
                problems.addAll(env.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("function environments do not resolve:\n  " + String.join("\n  ", problems));
        }
        return envs;
    }

    /** A Function's runtime, with its activator. */
    private LocalFunction function(Manifest m, Map<String, String> env) throws IOException {
        return new LocalFunction(vertx, (Function) m.resource(), env, logs, 0, clock, source(m));
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

    private static boolean isSource(HasMetadata r) {
        return r instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec;
    }

    /** Brokers, Triggers, Sequences, Parallels, and ConfigMaps (durable Brokers read theirs). */
    private static boolean onThePlane(HasMetadata r) {
        return !(r instanceof Function) && !(r instanceof Secret) && !isSource(r);
    }

    /** Applies a resource of the plane; a Broker with local mode's dead letters and push Trigger. */
    private void apply(HasMetadata r) {
        if (r instanceof io.fabric8.knative.eventing.v1.Broker b) {
            plane.apply(withDeadLetters(b));
            plane.apply(pushTrigger(b));
        } else {
            plane.apply(r);
        }
    }

    /**
     * Watches the manifests (every {@code .yaml}/{@code .yml} under DIR, and its {@code pom.xml} for a function
     * project) and applies each edit as a difference, {@value #RELOAD_QUIET_MS} ms after the last change. An edit that
     * does not load (a parse or validation error) changes nothing: it is reported, by file, document and field path,
     * in {@code kiln dev}'s output and as a {@code Manifests} row of {@link #states()}, until an edit loads.
     *
     * @param dir what {@code kiln dev} was given: a directory, a project, or one file
     * @param load reads the manifests again (the same way as at start)
     * @throws IOException when it cannot be watched
     */
    public void reloadOnChange(Path dir, java.util.concurrent.Callable<List<Manifest>> load) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path root = Files.isDirectory(target) ? target : target.getParent();
        watched = target;
        manifestWatch = watcher().watch(root, changed -> {
            String name = changed.getFileName() == null ? "" : changed.getFileName().toString();
            boolean relevant = Files.isDirectory(target) ? name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("pom.xml")
                    || Files.isDirectory(changed) : changed.equals(target);
            if (relevant && reloadScheduled.compareAndSet(false, true)) {
                timer.schedule(() -> {
                    reloadScheduled.set(false);
                    reloads.execute(() -> reloadFrom(load));
                }, RELOAD_QUIET_MS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** How long the manifests must be quiet before an edit is read: an editor's save is a few events. */
    static final long RELOAD_QUIET_MS = 100;

    private void reloadFrom(java.util.concurrent.Callable<List<Manifest>> load) {
        try {
            reload(load.call());
        } catch (dev.kiln.local.manifests.ManifestException e) {
            refuse(e.problems());
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage().lines().skip(1).map(String::strip).toList());
        } catch (Exception e) {
            refuse(List.of(String.valueOf(e.getMessage())));
        }
    }

    private void refuse(List<String> problems) {
        refused = List.copyOf(problems);
        LOG.warning("the edited manifests are not applied (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "); still running the last valid ones:\n  " + String.join("\n  ", problems));
    }

    /**
     * Applies new manifests as a difference with the running ones, without a restart:
     * <ul>
     *   <li>Functions: a new one starts (its activator, its build); a removed one drains; a changed one keeps its
     *       activator and URL, and rolls a new version (built again when its source or build changed, else the
     *       serving one started again with the new environment, scale or timeout), as a Knative Service rolls a
     *       revision. An environment that reads a changed Secret or ConfigMap counts as changed.</li>
     *   <li>Brokers, Triggers, Sequences, Parallels, ConfigMaps: applied or deleted on the plane; when Functions came
     *       or went, the Triggers and flows are applied again, so a ref resolves to what exists now.</li>
     *   <li>Sources: a changed one, one whose secrets or sink changed, and one that did not start, start again; a
     *       removed one stops.</li>
     * </ul>
     * Nothing is changed when a Function's environment does not resolve.
     *
     * @param after the manifests as they are now, validated
     * @return what changed
     * @throws IllegalArgumentException listing the environment references that do not resolve
     */
    public synchronized ManifestChanges reload(List<Manifest> after) throws IOException {
        ManifestIndex nextIndex = new ManifestIndex(after);
        Map<String, Map<String, String>> envs = environments(after, nextIndex);
        ManifestChanges changes = ManifestChanges.between(manifests, after);
        Map<String, Manifest> before = new LinkedHashMap<>();
        manifests.forEach(m -> before.put(m.describe(), m));
        index = nextIndex;
        refused = List.of();

        boolean functionsCameOrWent = false;
        for (Manifest m : changes.removed()) {
            if (m.resource() instanceof Function) {
                functionsCameOrWent = true;
                String id = id(m.resource());
                cancelPoll(id);
                LocalFunction gone = functions.remove(id);
                if (gone != null) {
                    CompletableFuture.runAsync(gone::close);
                }
            }
        }
        for (Manifest m : after) {
            if (!(m.resource() instanceof Function f)) {
                continue;
            }
            Map<String, String> env = envs.get(m.describe());
            LocalFunction fn = functions.get(id(f));
            Manifest was = before.get(m.describe());
            if (fn == null) {
                functionsCameOrWent = true;
                LocalFunction added = function(m, env);
                functions.put(added.id(), added);
                refreshAndSchedule(added);
            } else if (!sameSource(was, m)) {
                cancelPoll(fn.id());
                fn.update(f, env, source(m));
                schedulePoll(fn);
            } else if (changes.changed().contains(m) || !env.equals(fn.environment())) {
                cancelPoll(fn.id());
                fn.update(f, env, null);
                schedulePoll(fn);
            }
        }

        boolean configMapsChanged = false;
        for (Manifest m : changes.removed()) {
            if (onThePlane(m.resource())) {
                plane.delete(m.resource());
                if (m.resource() instanceof io.fabric8.knative.eventing.v1.Broker b) {
                    plane.delete(pushTrigger(b));
                }
                configMapsChanged |= m.resource() instanceof io.fabric8.kubernetes.api.model.ConfigMap;
            }
        }
        java.util.Set<String> applied = new java.util.HashSet<>();
        for (Manifest m : concat(changes.added(), changes.changed())) {
            if (onThePlane(m.resource())) {
                apply(m.resource());
                applied.add(m.describe());
                configMapsChanged |= m.resource() instanceof io.fabric8.kubernetes.api.model.ConfigMap;
            }
        }
        for (Manifest m : after) {
            HasMetadata r = m.resource();
            boolean refs = r instanceof io.fabric8.knative.eventing.v1.Trigger || r instanceof io.fabric8.knative.flows.v1.Sequence
                    || r instanceof io.fabric8.knative.flows.v1.Parallel;
            boolean durableConfig = r instanceof io.fabric8.knative.eventing.v1.Broker;
            if (!applied.contains(m.describe()) && (refs && functionsCameOrWent || durableConfig && configMapsChanged)) {
                apply(r);
            }
        }

        for (Manifest m : changes.removed()) {
            if (isSource(m.resource())) {
                stopSource(m.describe());
            }
        }
        for (Manifest m : after) {
            if (isSource(m.resource()) && (changes.added().contains(m) || changes.changed().contains(m)
                    || adapterProblems.containsKey(m.describe()) || !variablesNow(m.resource()).equals(adapterVariables.get(m.describe())))) {
                stopSource(m.describe());
                startSource(m.resource());
            }
        }
        manifests = List.copyOf(after);
        if (!changes.isEmpty()) {
            LOG.info("manifests reloaded: " + changes.summary());
        }
        return changes;
    }

    private static List<Manifest> concat(List<Manifest> a, List<Manifest> b) {
        List<Manifest> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String id(HasMetadata r) {
        return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    /** @return whether a Function's versions come from the same place and are built the same way */
    private static boolean sameSource(Manifest a, Manifest b) {
        Function fa = (Function) a.resource();
        Function fb = (Function) b.resource();
        return java.util.Objects.equals(a.workingTree(), b.workingTree()) && JSON.valueToTree(fa.getSpec().source).equals(JSON.valueToTree(fb.getSpec().source))
                && JSON.valueToTree(fa.getSpec().build).equals(JSON.valueToTree(fb.getSpec().build));
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
        schedulePoll(fn);
    }

    private void schedulePoll(LocalFunction fn) {
        String poll = fn.function().getSpec().source.git.pollInterval; // never set for a working tree (Manifests)
        if (poll != null) {
            long ms = dev.kiln.api.validation.GoDurations.parse(poll).toMillis();
            polls.put(fn.id(), timer.scheduleWithFixedDelay(fn::refresh, ms, ms, TimeUnit.MILLISECONDS));
        }
    }

    private void cancelPoll(String id) {
        ScheduledFuture<?> poll = polls.remove(id);
        if (poll != null) {
            poll.cancel(false);
        }
    }

    /**
     * A source's adapter environment, as its Deployment would get it in a cluster: its resolved sink (and dead-letter
     * sink), and its secrets read from the manifests.
     *
     * @throws RuntimeException when a sink does not resolve or a secret is missing
     */
    private Map<String, String> variables(HasMetadata source) {
        SourceSpec spec = (SourceSpec) ((CustomResource<?, ?>) source).getSpec();
        String sink = plane.resolve(spec.sink, source.getMetadata().getNamespace()).toString();
        String dls = null;
        if (source instanceof dev.kiln.api.sources.v1alpha1.KafkaSource k && k.getSpec().delivery != null && k.getSpec().delivery.deadLetterSink != null) {
            dls = plane.resolve(k.getSpec().delivery.deadLetterSink, source.getMetadata().getNamespace()).toString();
        }
        AdapterEnvironment env = AdapterEnvironment.of(source, sink, dls);
        Map<String, String> vars = new LinkedHashMap<>(index.adapterVariables(env, source.getMetadata().getNamespace()));
        vars.put(KIND, env.kind());
        return vars;
    }

    /** @return the adapter's variables as they would be now, or empty when they cannot be made (it starts again) */
    private Map<String, String> variablesNow(HasMetadata source) {
        try {
            return Map.copyOf(variables(source));
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /** Where {@link #variables} keeps the adapter's kind. */
    private static final String KIND = "kiln.adapter.kind";

    private void startSource(HasMetadata source) {
        String id = source.getKind() + " " + source.getMetadata().getNamespace() + "/" + source.getMetadata().getName();
        try {
            Map<String, String> vars = variables(source);
            adapterVariables.put(id, Map.copyOf(vars));
            String kind = vars.remove(KIND);
            vars.put("HOST", "127.0.0.1");
            vars.put("PORT", "0");
            // kiln dev's own OTEL_* settings: an adapter traces when the plane does, as in a cluster its Deployment would.
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("OTEL_")) {
                    vars.putIfAbsent(k, v);
                }
            });
            adapters.put(id, RunningAdapter.start(kind, vars));
            adapterProblems.remove(id);
        } catch (Exception e) {
            adapterProblems.put(id, String.valueOf(e.getMessage()));
            LOG.warning(id + " did not start: " + e.getMessage());
        }
    }

    private void stopSource(String id) {
        adapterProblems.remove(id);
        adapterVariables.remove(id);
        RunningAdapter a = adapters.remove(id);
        if (a != null) {
            try {
                a.close();
            } catch (Exception e) {
                LOG.fine(id + ": adapter close: " + e.getMessage());
            }
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
                return functions;
            }

            @Override
            public Map<String, SourceMetrics> sources() {
                Map<String, SourceMetrics> all = new LinkedHashMap<>();
                adapters.forEach((id, a) -> all.put(id, a.metrics()));
                return all;
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
        List<String> problems = refused;
        if (!problems.isEmpty()) {
            rows.add(StatusTable.refused(watched, problems));
        }
        rows.addAll(StatusTable.rows(manifests, new StatusTable.States() {
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
        }));
        return rows;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        reloads.shutdownNow();
        if (manifestWatch != null) {
            try {
                manifestWatch.close();
            } catch (Exception e) {
                LOG.fine("manifest watch close: " + e.getMessage());
            }
        }
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
