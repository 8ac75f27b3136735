package dev.kiln.eventing;

import dev.kiln.contract.addressing.Addressing;
import dev.kiln.contract.addressing.Unresolvable;
import dev.kiln.eventing.delivery.Dispatcher;
import dev.kiln.eventing.durable.EventLog;
import dev.kiln.eventing.durable.KafkaBrokerConfig;
import dev.kiln.eventing.journey.IngressTrace;
import dev.kiln.eventing.journey.Journeys;
import dev.kiln.eventing.journey.SpanExport;
import dev.kiln.eventing.journey.Step;
import dev.kiln.eventing.journey.TraceContext;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.Sequence;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Knative Eventing's data plane in one JVM. Hosts Brokers at {@code /<namespace>/<broker>}, Sequences at
 * {@code /sequences/<namespace>/<name>} and Parallels at {@code /parallels/<namespace>/<name>}, reading
 * Knative's own manifests; Triggers route a Broker's events through their filters to subscribers, with
 * retry, backoff and dead letter. A Broker of the default class holds its events in memory (a crash loses
 * queued events); a Broker of class {@code Kafka} keeps them in a Kafka topic, read by one consumer group per
 * Trigger that commits only final outcomes, so accepted events survive a crash (see {@link KafkaBrokerConfig}).
 *
 * <p>This class holds the resources and routes events between their runtimes; its HTTP surface is {@link PlaneServer},
 * its counters {@link PlaneMetrics}, the rules a manifest is checked with {@link ResourceChecks}, and what it records
 * of each event's journey {@link Journeys}.
 */
public final class EventingPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventingPlane.class.getName());

    /** What ingress did with an event. */
    public enum Admission {
        /** Queued for every matching Trigger. */
        ACCEPTED,
        /** A matching Trigger's lane is full; nothing was queued: retry later (429). */
        FULL,
        /** {@code knativebrokerttl} ran out: the event looped; dropped. */
        TTL_EXHAUSTED,
        /** No such Broker, Sequence or Parallel. */
        NOT_FOUND,
        /** The Broker exists but its spec is invalid (see its state). */
        NOT_READY,
        /** A durable Broker's Kafka did not take the event; nothing was accepted: retry later (503). */
        UNAVAILABLE;

        /**
         * @param target e.g. {@code broker default/default}
         * @return what the sender is told (and what a journey says) when the event was not accepted
         */
        public String why(String target) {
            return switch (this) {
                case ACCEPTED -> "accepted";
                case FULL -> "subscribers are behind; retry later";
                case UNAVAILABLE -> target + " could not store the event (Kafka is unavailable); retry later";
                case TTL_EXHAUSTED -> "knativebrokerttl exhausted: the event looped through brokers";
                case NOT_FOUND -> target + " does not exist";
                case NOT_READY -> target + " is not ready (see its status: kiln get)";
            };
        }

        Step.Outcome outcome() {
            return this == ACCEPTED ? Step.Outcome.ACCEPTED : this == TTL_EXHAUSTED ? Step.Outcome.TTL_DROPPED : Step.Outcome.REFUSED;
        }
    }

    private final EventingOptions options;
    private final Vertx vertx;
    private final Dispatcher dispatcher;
    private final PlaneMetrics metrics = new PlaneMetrics(this);
    private final Journeys journeys;
    private final PlaneServer server;
    private final Map<String, BrokerRuntime> brokers = new ConcurrentHashMap<>();
    private final Map<String, TriggerRuntime> triggers = new ConcurrentHashMap<>();
    /** Triggers by their Broker's key, so ingress only looks at the Broker's own Triggers. */
    private final Map<String, Map<String, TriggerRuntime>> triggersByBroker = new ConcurrentHashMap<>();
    private final Map<String, FlowRuntime> flows = new ConcurrentHashMap<>();
    /** ConfigMaps applied with the manifests, for durable Brokers' {@code spec.config}. */
    private final Map<String, Map<String, String>> configMaps = new ConcurrentHashMap<>();
    /** One producer per Kafka cluster, shared by the durable Brokers on it. */
    private final Map<String, EventLog> logs = new ConcurrentHashMap<>();
    /** The plane's own Brokers and flows first, then the embedder's refs. */
    private final Addressing.Lookup lookup;

    private EventingPlane(EventingOptions options, Vertx vertx) throws Exception {
        this.options = options;
        this.vertx = vertx;
        this.dispatcher = new Dispatcher(vertx);
        this.lookup = ((Addressing.Lookup) this::ownAddress).orElse(options.resolver());
        this.journeys = Journeys.of(options.journeys(), SpanExport.fromEnvironment(options.telemetry(), "kiln-eventing"));
        try {
            this.server = new PlaneServer(this, vertx, options);
        } catch (Exception e) {
            journeys.close();
            throw e;
        }
    }

    /**
     * Starts the plane's HTTP server.
     *
     * @param options where to listen and how to queue
     * @return the running plane
     * @throws Exception when the port cannot be bound
     */
    public static EventingPlane start(EventingOptions options) throws Exception {
        Vertx vertx = options.eventLoops() == 0 ? Vertx.vertx() : Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(options.eventLoops()));
        try {
            return new EventingPlane(options, vertx);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    /** @return the port the plane listens on */
    public int port() {
        return server.port();
    }

    /** @return the ports of the plane's servers, one per event loop it was asked for (all the same port) */
    List<Integer> serverPorts() {
        return server.ports();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:8180} */
    public String baseUrl() {
        return "http://" + options.host() + ":" + port();
    }

    /** @return the plane's counters and their Prometheus text */
    public PlaneMetrics metrics() {
        return metrics;
    }

    /** @return what the plane records of the events it carries */
    public Journeys journeys() {
        return journeys;
    }

    Map<String, TriggerRuntime> triggerRuntimes() {
        return triggers;
    }

    Map<String, FlowRuntime> flowRuntimes() {
        return flows;
    }

    Map<String, BrokerRuntime> brokerRuntimes() {
        return brokers;
    }

    /**
     * Adds or replaces a Broker, Trigger, Sequence, Parallel or a ConfigMap (read by durable Brokers'
     * {@code spec.config}). A durable Broker's topic is created here, and its Triggers' consumer groups set up,
     * so this may wait for Kafka.
     *
     * @param resource a Knative resource or a ConfigMap
     * @return its state after applying
     * @throws IllegalArgumentException for any other kind
     */
    public synchronized ResourceState apply(HasMetadata resource) {
        String key = key(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        if (resource instanceof Broker b) {
            brokers.put(key, BrokerRuntime.of(b, (ns, name) -> configMaps.get(key(ns, name)), options.kafkaBootstrapServers(),
                    servers -> logs.computeIfAbsent(servers, EventLog::new)));
        } else if (resource instanceof Trigger t) {
            // Events already queued for a replaced Trigger are still delivered by its old runtime.
            TriggerRuntime runtime = new TriggerRuntime(this, t);
            TriggerRuntime old = triggers.put(key, runtime);
            unindex(old, key);
            if (old != null) {
                old.stopConsuming(); // before the new one joins the same consumer group
            }
            triggersByBroker.computeIfAbsent(key(runtime.namespace(), runtime.broker()), k -> new ConcurrentHashMap<>()).put(key, runtime);
        } else if (resource instanceof Sequence s) {
            closeFlow(flows.get("sequences/" + key)); // its consumers leave their groups before the new ones join
            flows.put("sequences/" + key, FlowRuntime.sequence(this, s));
        } else if (resource instanceof Parallel p) {
            closeFlow(flows.get("parallels/" + key));
            flows.put("parallels/" + key, FlowRuntime.parallel(this, p));
        } else if (resource instanceof ConfigMap c) {
            configMaps.put(key, c.getData() == null ? Map.of() : Map.copyOf(c.getData()));
            return ResourceState.ready(null);
        } else {
            throw new IllegalArgumentException("the eventing plane hosts Broker, Trigger, Sequence and Parallel, not "
                    + resource.getKind());
        }
        syncConsumers();
        return state(resource);
    }

    /** Gives every ready Trigger of a ready durable Broker a consumer for that Broker's topic, and no one else. */
    private void syncConsumers() {
        for (TriggerRuntime t : triggers.values()) {
            BrokerRuntime b = brokers.get(key(t.namespace(), t.broker()));
            t.consume(b != null && b.error() == null && t.ready() ? b.durable() : null);
        }
    }

    /**
     * Removes a resource; events queued for a removed Trigger are still delivered.
     *
     * @param resource the resource (only kind, namespace and name are read)
     */
    public synchronized void delete(HasMetadata resource) {
        String key = key(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        switch (resource.getKind()) {
            case "Broker" -> brokers.remove(key);
            case "Trigger" -> {
                TriggerRuntime old = triggers.remove(key);
                unindex(old, key);
                if (old != null) {
                    old.stopConsuming();
                }
            }
            case "Sequence" -> closeFlow(flows.remove("sequences/" + key));
            case "Parallel" -> closeFlow(flows.remove("parallels/" + key));
            case "ConfigMap" -> configMaps.remove(key);
            default -> throw new IllegalArgumentException("not an eventing kind: " + resource.getKind());
        }
        syncConsumers();
    }

    private void unindex(TriggerRuntime old, String key) {
        if (old != null) {
            Map<String, TriggerRuntime> siblings = triggersByBroker.get(key(old.namespace(), old.broker()));
            if (siblings != null) {
                siblings.remove(key);
            }
        }
    }

    /**
     * @param resource a resource applied before
     * @return its Ready state, with a reason and message when it is not ready
     */
    public ResourceState state(HasMetadata resource) {
        String ns = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        String key = key(ns, name);
        return switch (resource.getKind()) {
            case "Broker" -> {
                BrokerRuntime b = brokers.get(key);
                yield b == null ? ResourceState.notReady("NotFound", "Broker " + key + " is not applied")
                        : b.error() != null ? ResourceState.notReady(b.reason(), b.error())
                        : ResourceState.ready(address("Broker", ns, name));
            }
            case "Trigger" -> {
                TriggerRuntime t = triggers.get(key);
                yield t == null ? ResourceState.notReady("NotFound", "Trigger " + key + " is not applied") : t.state();
            }
            case "Sequence", "Parallel" -> {
                FlowRuntime f = flows.get(flowKind(resource.getKind()) + "/" + key);
                yield f == null ? ResourceState.notReady("NotFound", resource.getKind() + " " + key + " is not applied") : f.state();
            }
            case "ConfigMap" -> configMaps.containsKey(key) ? ResourceState.ready(null)
                    : ResourceState.notReady("NotFound", "ConfigMap " + key + " is not applied");
            default -> throw new IllegalArgumentException("not an eventing kind: " + resource.getKind());
        };
    }

    /**
     * Broker ingress without HTTP (sources in the same JVM, replies): TTL, arrival time, then the Broker's
     * runtime ({@link BrokerRuntime#admit}): the matching Triggers' queues (in memory) or its topic (durable).
     *
     * @param namespace the Broker's namespace
     * @param broker its name
     * @param event the event
     * @return what happened to it, once it is known: at once in memory, after Kafka's acknowledgement when
     *     durable; never a failed future
     * @throws IllegalArgumentException when the event's {@code knativebrokerttl} is not an integer
     */
    public Future<Admission> publish(String namespace, String broker, CloudEvent event) {
        return publish(namespace, broker, event, null, false);
    }

    /**
     * Broker ingress, as {@link #publish(String, String, CloudEvent)}, for an event that came with a request's
     * {@code traceparent} header (it wins over the event's own extension: it names the hop that sent it), perhaps
     * forwarded by one of the plane's own deliveries.
     */
    Future<Admission> publish(String namespace, String broker, CloudEvent event, String traceparent, boolean forwarded) {
        String brokerKey = key(namespace, broker);
        IngressTrace trace = IngressTrace.start(journeys, traceparent, event, "Broker " + brokerKey, forwarded);
        Future<Admission> admission;
        CloudEvent[] accepted = {event};
        try {
            admission = admit(brokerKey, event, trace, accepted);
        } catch (IllegalArgumentException e) {
            if (trace != null) {
                trace.finished(event, Step.Outcome.REFUSED, e.getMessage());
            }
            throw e;
        }
        if (trace == null) {
            return admission;
        }
        return admission.map(a -> {
            trace.finished(accepted[0], a.outcome(), a == Admission.ACCEPTED ? null : a.why("broker " + brokerKey));
            return a;
        });
    }

    private Future<Admission> admit(String brokerKey, CloudEvent event, IngressTrace trace, CloudEvent[] accepted) {
        BrokerRuntime b = brokers.get(brokerKey);
        if (b == null) {
            return Future.succeededFuture(Admission.NOT_FOUND);
        }
        if (b.error() != null) {
            b.refusedOne();
            return Future.succeededFuture(Admission.NOT_READY);
        }
        int ttl = Ttl.next(event);
        if (ttl <= 0) {
            metrics.ttlExhaustedOne();
            b.refusedOne();
            LOG.warning(() -> "dropped event " + event.getId() + " (" + event.getType() + ") at broker " + brokerKey
                    + ": knativebrokerttl exhausted, the event looped through brokers " + Ttl.MAX + " times");
            return Future.succeededFuture(Admission.TTL_EXHAUSTED);
        }
        CloudEventBuilder builder = CloudEventBuilder.from(event).withExtension(Ttl.EXTENSION, ttl)
                .withExtension("knativearrivaltime", ArrivalTime.now());
        if (trace != null) {
            builder.withExtension(TraceContext.TRACEPARENT, trace.context().traceparent()); // its deliveries go under this arrival
        }
        accepted[0] = builder.build();
        return b.admit(accepted[0], triggersByBroker.getOrDefault(brokerKey, Map.of()).values(), trace);
    }

    /** Accepts an event for a Sequence or Parallel ({@code kind} is "sequences" or "parallels"). */
    Future<Admission> publishToFlow(String kind, String namespace, String name, CloudEvent event, String traceparent, boolean forwarded) {
        FlowRuntime f = flows.get(kind + "/" + key(namespace, name));
        IngressTrace trace = IngressTrace.start(journeys, traceparent, event,
                (kind.equals("sequences") ? "Sequence " : "Parallel ") + key(namespace, name), forwarded);
        CloudEvent accepted = trace == null ? event : Journeys.carry(event, trace.context());
        Future<Admission> admission;
        if (f != null && f.ready() && f.channels() != null) {
            admission = f.channels().publish(accepted); // accepted once Kafka has it
        } else {
            Admission a = f == null ? Admission.NOT_FOUND : !f.ready() ? Admission.NOT_READY : !f.lane().reserve() ? Admission.FULL : Admission.ACCEPTED;
            if (a == Admission.ACCEPTED) {
                f.lane().enqueue(accepted);
            }
            admission = Future.succeededFuture(a);
        }
        if (trace == null) {
            return admission;
        }
        return admission.map(a -> {
            trace.finished(accepted, a.outcome(), a == Admission.ACCEPTED ? null : a.why(kind.substring(0, kind.length() - 1) + " " + key(namespace, name)));
            return a;
        });
    }

    private static void closeFlow(FlowRuntime flow) {
        if (flow != null) {
            flow.close();
        }
    }

    /** @return the producer for a Kafka cluster, shared by the durable Brokers and channels on it */
    EventLog log(String bootstrapServers) {
        return logs.computeIfAbsent(bootstrapServers, EventLog::new);
    }

    /**
     * Resolves a source's sink (Kiln's own Destination) with {@link Addressing}'s rules: the plane's Brokers,
     * Sequences and Parallels, then the embedder's lookup ({@link EventingOptions#resolver()}).
     *
     * @param destination the destination
     * @param namespace the namespace of the object that names it
     * @return the URL to send to
     * @throws Unresolvable when it does not resolve (yet)
     */
    public URI resolve(dev.kiln.api.duck.Destination destination, String namespace) {
        return Addressing.resolve(destination, namespace, lookup);
    }

    /** Resolves one of Knative's Destinations (a Trigger's subscriber, a flow's step, a dead-letter sink). */
    URI resolve(Destination destination, String namespace) {
        if (destination == null) {
            throw new Unresolvable(Unresolvable.Why.INVALID, "no destination");
        }
        KReference ref = destination.getRef();
        return ref == null ? Addressing.resolve(null, null, null, null, destination.getUri(), namespace, lookup)
                : Addressing.resolve(ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getNamespace(), destination.getUri(), namespace, lookup);
    }

    /** The addresses of what the plane hosts; {@link Unresolvable.Why#NOT_FOUND} for anything else. */
    private URI ownAddress(Addressing.Ref ref) {
        String key = key(ref.namespace(), ref.name());
        boolean hosted = ref.is("eventing.knative.dev", "Broker") ? brokers.containsKey(key)
                : ref.is("flows.knative.dev", "Sequence") || ref.is("flows.knative.dev", "Parallel")
                ? flows.containsKey(flowKind(ref.kind()) + "/" + key) : false;
        if (!hosted) {
            throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " does not exist");
        }
        return URI.create(address(ref.kind(), ref.namespace(), ref.name()));
    }

    /**
     * Where the plane hosts a resource: Brokers at {@code /<namespace>/<name>} (as Knative's ingress), Sequences and
     * Parallels at {@code /sequences/<namespace>/<name>} and {@code /parallels/<namespace>/<name>}.
     */
    String address(String kind, String namespace, String name) {
        String ns = namespace == null || namespace.isBlank() ? "default" : namespace;
        return "Broker".equals(kind) ? baseUrl() + "/" + ns + "/" + name : baseUrl() + "/" + flowKind(kind) + "/" + ns + "/" + name;
    }

    /** @return "sequences" or "parallels": a flow's path segment and its key's prefix */
    static String flowKind(String kind) {
        return kind.toLowerCase(java.util.Locale.ROOT) + "s";
    }

    BrokerRuntime broker(String namespace, String name) {
        return brokers.get(key(namespace, name));
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    EventingOptions options() {
        return options;
    }

    static String key(String namespace, String name) {
        return (namespace == null || namespace.isBlank() ? "default" : namespace) + "/" + name;
    }

    /**
     * Describes a destination for logs and {@code knativeerrordest} when it has no URL.
     *
     * @param destination the destination
     * @param namespace the namespace it is relative to
     * @return e.g. {@code ref serving.knative.dev/v1 Service default/greeter}
     */
    static String describe(Destination destination, String namespace) {
        if (destination == null) {
            return "no destination";
        }
        KReference ref = destination.getRef();
        if (ref == null) {
            return String.valueOf(destination.getUri());
        }
        String ns = ref.getNamespace() == null || ref.getNamespace().isBlank() ? namespace : ref.getNamespace();
        return "ref " + ref.getApiVersion() + " " + ref.getKind() + " " + ns + "/" + ref.getName();
    }

    @Override
    public void close() throws Exception {
        server.close();
        // Durable Triggers finish what is in flight (briefly) and commit; the rest is read again next start.
        List<Thread> stopping = new ArrayList<>();
        for (TriggerRuntime t : triggers.values()) {
            if (!t.consuming()) {
                continue;
            }
            Thread th = new Thread(t::stopConsuming, "kiln-stop-" + t.namespace());
            th.start();
            stopping.add(th);
        }
        for (FlowRuntime f : flows.values()) {
            Thread th = new Thread(f::close, "kiln-stop-flow");
            th.start();
            stopping.add(th);
        }
        for (Thread th : stopping) {
            th.join();
        }
        logs.values().forEach(EventLog::close);
        dispatcher.close();
        journeys.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
