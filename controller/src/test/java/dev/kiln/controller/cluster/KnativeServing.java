package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.knative.pkg.apis.Condition;
import io.fabric8.knative.pkg.apis.ConditionBuilder;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceStatus;
import io.fabric8.knative.serving.v1.TrafficTargetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knative Serving as Kiln meets it, modelled on knative/serving's code (read, not copied):
 *
 * <ul>
 *   <li><b>The defaulting webhook</b> ({@link #setDefaults}): what {@code Service.SetDefaults} fills with the
 *       cluster's {@code config-defaults} ({@link Config}; Knative's own defaults when the test sets none) and the
 *       default {@code config-features} (pkg/apis/serving/v1/*_defaults.go, pkg/apis/config/defaults.go):
 *       {@code timeoutSeconds} ({@code revision-timeout-seconds}, 300), {@code responseStartTimeoutSeconds} when the
 *       timeout is above 300, {@code containerConcurrency} ({@code container-concurrency}, 0), the container name
 *       {@code user-container},
 *       {@code readinessProbe.successThreshold} 1 (a TCP probe when the container has none), and on create
 *       {@code enableServiceLinks: false}; the route's traffic {@code [{latestRevision: true, percent: 100}]};
 *       the {@code serving.knative.dev/creator} and {@code lastModifier} annotations
 *       (pkg/apis/serving/metadata_validation.go's {@code SetUserInfo}).</li>
 *   <li><b>The validating webhook</b>, for the settings a cluster's operator limits ({@link #validate}): the
 *       {@code max-scale} annotation within {@code config-autoscaler}'s {@code max-scale-limit}, and not below
 *       {@code min-scale}; {@code containerConcurrency} within {@code config-defaults}' bounds (0 only with
 *       {@code allow-container-concurrency-zero}); {@code timeoutSeconds} at most
 *       {@code max-revision-timeout-seconds}. Like Knative, it checks the object after defaulting.</li>
 *   <li><b>The controller</b>: each change of the template is a new Configuration generation and a new Revision
 *       {@code <service>-00001}, {@code -00002}…; the Service's status gets {@code observedGeneration},
 *       {@code latestCreatedRevisionName} at once and {@code latestReadyRevisionName}, traffic and
 *       {@code Ready=True} only once that Revision is ready (configuration_lifecycle.go's
 *       {@code SetLatestCreatedRevisionName}/{@code SetLatestReadyRevisionName}, service_lifecycle.go's
 *       {@code TrafficNotMigrated}). A Revision whose image cannot be pulled fails as the revision reconciler
 *       reports a waiting container after the progress deadline, and the Configuration says
 *       {@code RevisionFailed}: {@code Revision "x-00002" failed with message: ...}.</li>
 * </ul>
 *
 * <p>Revisions become ready at once unless the test holds an image ({@link #hold}) or makes it unpullable
 * ({@link #failPulls}, or {@link #privateRegistry} without the pull Secret), or unless the namespace enforces Pod
 * Security's {@code restricted} profile ({@link PodSecurity}) and the Revision's pod, with Knative's queue-proxy,
 * violates it: then the ReplicaSet cannot create it and the Revision fails with the API server's message.
 */
public final class KnativeServing implements AutoCloseable {

    /** Knative's defaults (pkg/apis/config/defaults.go). */
    static final long RESPONSE_START_TIMEOUT_SECONDS = 300;
    /** Where Knative Serving runs and reads its ConfigMaps from. */
    public static final String SYSTEM_NAMESPACE = "knative-serving";
    /** The webhook's name in a refusal, as the API server words it. */
    static final String VALIDATING_WEBHOOK = "validation.webhook.serving.knative.dev";

    /**
     * What the webhook reads from {@code config-defaults} and {@code config-autoscaler} in
     * {@value #SYSTEM_NAMESPACE}, each key Knative's default when absent (pkg/apis/config/defaults.go,
     * pkg/autoscaler/config/config.go).
     */
    public record Config(long revisionTimeoutSeconds, long maxRevisionTimeoutSeconds, long containerConcurrency,
            long containerConcurrencyMaxLimit, boolean allowContainerConcurrencyZero, long maxScaleLimit) {

        /** Knative's defaults: no ConfigMap changes anything. */
        public static final Config DEFAULTS = new Config(300, 600, 0, 1000, true, 0);

        /**
         * @param defaults {@code config-defaults}' data, or null
         * @param autoscaler {@code config-autoscaler}'s data, or null
         * @return what the webhook works with
         */
        public static Config of(JsonNode defaults, JsonNode autoscaler) {
            JsonNode d = defaults == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : defaults;
            JsonNode a = autoscaler == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : autoscaler;
            return new Config(d.path("revision-timeout-seconds").asLong(DEFAULTS.revisionTimeoutSeconds),
                    d.path("max-revision-timeout-seconds").asLong(DEFAULTS.maxRevisionTimeoutSeconds),
                    d.path("container-concurrency").asLong(DEFAULTS.containerConcurrency),
                    d.path("container-concurrency-max-limit").asLong(DEFAULTS.containerConcurrencyMaxLimit),
                    Boolean.parseBoolean(d.path("allow-container-concurrency-zero").asText(String.valueOf(DEFAULTS.allowContainerConcurrencyZero))),
                    a.path("max-scale-limit").asLong(DEFAULTS.maxScaleLimit));
        }
    }
    static final String USER_CONTAINER = "user-container";
    static final String CREATOR = "serving.knative.dev/creator";
    static final String LAST_MODIFIER = "serving.knative.dev/lastModifier";

    /** What becomes of a Revision running an image. */
    public enum Rollout { READY, HELD, IMAGE_PULL_FAILS }

    private record Revision(String name, String image, long configurationGeneration, JsonNode template) {
    }

    /** Per Service (namespace/name): its template as last seen, and its revisions. */
    private static final class Configuration {
        JsonNode template;
        /** The Configuration's generation: one per template change, numbering the Revisions. */
        long generation;
        /** The Service's last generation seen. */
        long observedGeneration;
        final List<Revision> revisions = new ArrayList<>();
    }

    private final KubernetesClient client;
    private final Map<String, Rollout> images = new ConcurrentHashMap<>();
    /** Registry prefixes that want credentials to pull, and the Secret that holds them. */
    private final Map<String, String> privateRegistries = new ConcurrentHashMap<>();
    private final Map<String, Configuration> configurations = new ConcurrentHashMap<>();
    private SharedIndexInformer<Service> informer;

    public KnativeServing(KubernetesClient client) {
        this.client = client;
    }

    public void start() {
        informer = client.resources(Service.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service s) {
                reconcile(s);
            }

            @Override
            public void onUpdate(Service old, Service s) {
                reconcile(s);
            }

            @Override
            public void onDelete(Service s, boolean unknown) {
                configurations.remove(key(s));
            }
        });
    }

    /** New Revisions of this image stay not ready until {@link #release}. */
    public void hold(String image) {
        images.put(image, Rollout.HELD);
    }

    /** Revisions of this image become ready now. */
    public void release(String image) {
        images.put(image, Rollout.READY);
        resync();
    }

    /** Revisions of this image fail: the kubelet cannot pull it. */
    public void failPulls(String image) {
        images.put(image, Rollout.IMAGE_PULL_FAILS);
        resync();
    }

    /**
     * Images under {@code prefix} are pulled only by a pod that names {@code secret} in its {@code imagePullSecrets}
     * (the namespace's default ServiceAccount, whose pull secrets the kubelet adds too, has none here); other pods
     * back off pulling, and the Revision fails as for {@link #failPulls}.
     */
    public void privateRegistry(String prefix, String secret) {
        privateRegistries.put(prefix, secret);
        resync();
    }

    /** @return the names of a Service's Revisions, oldest first */
    public List<String> revisions(String namespace, String name) {
        Configuration c = configurations.get(namespace + "/" + name);
        return c == null ? List.of() : c.revisions.stream().map(Revision::name).toList();
    }

    private void resync() {
        informer.getStore().list().forEach(this::reconcile);
    }

    private static String key(Service s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    /**
     * The Service reconciler, on the Service as it is now (an informer's event or a resync may be older): a Revision
     * when a new generation changed the template, then the status its Revisions give.
     */
    private synchronized void reconcile(Service event) {
        Service service = client.resources(Service.class).inNamespace(event.getMetadata().getNamespace()).withName(event.getMetadata().getName()).get();
        if (service == null || service.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Configuration config = configurations.computeIfAbsent(key(service), k -> new Configuration());
        long generation = service.getMetadata().getGeneration() == null ? 0 : service.getMetadata().getGeneration();
        if (generation > config.observedGeneration) {
            config.observedGeneration = generation;
            JsonNode template = client.getKubernetesSerialization().convertValue(service.getSpec().getTemplate(), JsonNode.class);
            if (!template.equals(config.template)) {
                config.template = template;
                config.generation++;
                String image = service.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
                config.revisions.add(new Revision(String.format("%s-%05d", service.getMetadata().getName(), config.generation), image, config.generation,
                        template));
            }
        }
        ServiceStatus status = status(service, config);
        if (Objects.equals(client.getKubernetesSerialization().asJson(status), client.getKubernetesSerialization().asJson(service.getStatus()))) {
            return;
        }
        service.setStatus(status);
        try {
            client.resource(service).updateStatus();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // A conflict: the informer brings the newer object, which is reconciled in turn.
        }
    }

    private ServiceStatus status(Service service, Configuration config) {
        String name = service.getMetadata().getName();
        String ns = service.getMetadata().getNamespace();
        Revision latestCreated = config.revisions.get(config.revisions.size() - 1);
        Revision latestReady = null;
        var namespace = client.namespaces().withName(ns).get();
        String podSecurity = namespace == null || namespace.getMetadata().getLabels() == null ? null
                : namespace.getMetadata().getLabels().get(PodSecurity.ENFORCE);
        for (Revision r : config.revisions) {
            if (failure(podSecurity, r) == null && images.getOrDefault(r.image(), Rollout.READY) != Rollout.HELD) {
                latestReady = r;
            }
        }
        String failure = failure(podSecurity, latestCreated);
        ServiceStatus status = new ServiceStatus();
        status.setObservedGeneration(service.getMetadata().getGeneration());
        status.setLatestCreatedRevisionName(latestCreated.name());
        List<Condition> conditions = new ArrayList<>();
        String now = Instant.now().toString();
        if (latestReady != null) {
            status.setLatestReadyRevisionName(latestReady.name());
            status.setUrl("http://" + name + "." + ns + ".example.com");
            status.setAddress(new io.fabric8.knative.duck.v1.AddressableBuilder().withUrl("http://" + name + "." + ns + ".svc.cluster.local").build());
            status.setTraffic(List.of(new TrafficTargetBuilder().withRevisionName(latestReady.name()).withLatestRevision(true).withPercent(100L).build()));
        }
        if (failure != null) {
            // configuration_lifecycle.go's MarkLatestCreatedFailed, propagated to the Service.
            String message = "Revision \"" + latestCreated.name() + "\" failed with message: " + failure + ".";
            conditions.add(condition("ConfigurationsReady", "False", "RevisionFailed", message, now));
            conditions.add(condition("Ready", "False", "RevisionFailed", message, now));
            conditions.add(latestReady == null ? condition("RoutesReady", "Unknown", "RevisionMissing",
                    "Configuration \"" + name + "\" is waiting for a Revision to become ready.", now)
                    : condition("RoutesReady", "Unknown", "TrafficNotMigrated", "Traffic is not yet migrated to the latest revision.", now));
        } else if (latestReady != latestCreated) {
            conditions.add(condition("ConfigurationsReady", "Unknown", null, null, now));
            conditions.add(latestReady == null ? condition("RoutesReady", "Unknown", "RevisionMissing",
                    "Configuration \"" + name + "\" is waiting for a Revision to become ready.", now)
                    : condition("RoutesReady", "Unknown", "TrafficNotMigrated", "Traffic is not yet migrated to the latest revision.", now));
            Condition routes = conditions.get(1);
            conditions.add(condition("Ready", "Unknown", routes.getReason(), routes.getMessage(), now));
        } else {
            conditions.add(condition("ConfigurationsReady", "True", null, null, now));
            conditions.add(condition("RoutesReady", "True", null, null, now));
            conditions.add(condition("Ready", "True", null, null, now));
        }
        // Keep the transition time of a condition whose status did not change, as Knative's condition manager does.
        if (service.getStatus() != null && service.getStatus().getConditions() != null) {
            for (Condition c : conditions) {
                service.getStatus().getConditions().stream().filter(o -> o.getType().equals(c.getType()) && o.getStatus().equals(c.getStatus())
                        && Objects.equals(o.getReason(), c.getReason()) && Objects.equals(o.getMessage(), c.getMessage()))
                        .findFirst().ifPresent(o -> c.setLastTransitionTime(o.getLastTransitionTime()));
            }
        }
        status.setConditions(conditions);
        return status;
    }

    /**
     * Why a Revision's pods do not run, as Knative reports it, or null: Pod Security refuses them (the ReplicaSet's
     * {@code FailedCreate}, which Knative propagates at once from the Deployment's {@code ReplicaFailure}), or the
     * kubelet cannot pull the image (reported once the progress deadline passed; here at once).
     *
     * @param podSecurity the namespace's {@value PodSecurity#ENFORCE} label, or null
     */
    private String failure(String podSecurity, Revision r) {
        if ("restricted".equals(podSecurity)) {
            ObjectNode pod = r.template().path("spec").deepCopy();
            pod.withArray("containers").add(queueProxy());
            List<String> violations = PodSecurity.restrictedViolations(pod);
            if (!violations.isEmpty()) {
                return "pods \"" + r.name() + "-deployment-5d8f7c9b6-x2x7q\" is forbidden: violates PodSecurity \"restricted:latest\": "
                        + String.join(", ", violations);
            }
        }
        boolean pulls = images.getOrDefault(r.image(), Rollout.READY) != Rollout.IMAGE_PULL_FAILS;
        for (Map.Entry<String, String> registry : privateRegistries.entrySet()) {
            if (r.image().startsWith(registry.getKey() + "/")) {
                boolean named = false;
                for (JsonNode secret : r.template().path("spec").path("imagePullSecrets")) {
                    named |= registry.getValue().equals(secret.path("name").asText());
                }
                pulls &= named;
            }
        }
        return pulls ? null : "Back-off pulling image \"" + r.image() + "\"";
    }

    /** The queue-proxy container Knative adds to every Revision's pod, with its own security context (queue.go). */
    private static ObjectNode queueProxy() {
        ObjectNode c = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("name", "queue-proxy");
        ObjectNode sc = c.putObject("securityContext").put("allowPrivilegeEscalation", false).put("readOnlyRootFilesystem", true)
                .put("runAsNonRoot", true);
        sc.putObject("capabilities").putArray("drop").add("ALL");
        sc.putObject("seccompProfile").put("type", "RuntimeDefault");
        return c;
    }

    private static Condition condition(String type, String status, String reason, String message, String at) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).withLastTransitionTime(at).build();
    }

    /**
     * The defaulting webhook on a Service's create or update, with Knative's default configuration.
     *
     * @param service the Service as sent
     * @param old the stored Service on an update, else null
     * @param user the requesting user
     */
    public static void setDefaults(ObjectNode service, JsonNode old, String user) {
        setDefaults(service, old, user, Config.DEFAULTS);
    }

    /**
     * The defaulting webhook on a Service's create or update.
     *
     * @param service the Service as sent
     * @param old the stored Service on an update, else null
     * @param user the requesting user
     * @param config the cluster's Knative configuration
     */
    public static void setDefaults(ObjectNode service, JsonNode old, String user, Config config) {
        ObjectNode spec = service.with("spec");
        ObjectNode template = spec.with("template");
        ObjectNode revision = template.with("spec");
        boolean create = old == null;
        // ConfigurationSpec.SetDefaults skips the template when it names the same revision as before ("BYO name").
        String newName = template.path("metadata").path("name").asText("");
        String oldName = create ? "" : old.path("spec").path("template").path("metadata").path("name").asText("");
        if (create || newName.isEmpty() || !newName.equals(oldName)) {
            revisionSpecDefaults(revision, create, config);
        }
        // RouteSpec.SetDefaults, and TrafficTarget.SetDefaults for every target.
        if (!spec.has("traffic") || spec.get("traffic").isEmpty()) {
            ArrayNode traffic = spec.putArray("traffic");
            traffic.addObject().put("latestRevision", true).put("percent", 100);
        }
        for (JsonNode t : spec.get("traffic")) {
            ObjectNode target = (ObjectNode) t;
            if (!target.has("latestRevision")) {
                target.put("latestRevision", target.path("revisionName").asText("").isEmpty());
            }
            if (!target.has("percent")) {
                target.put("percent", 0);
            }
        }
        // SetUserInfo: creator and lastModifier on create, lastModifier when an update changes the spec.
        if (user != null) {
            ObjectNode annotations = ((ObjectNode) service.with("metadata")).with("annotations");
            if (create) {
                annotations.put(CREATOR, user);
                annotations.put(LAST_MODIFIER, user);
            } else {
                JsonNode oldAnnotations = old.path("metadata").path("annotations");
                if (oldAnnotations.has(CREATOR)) {
                    annotations.set(CREATOR, oldAnnotations.get(CREATOR));
                }
                if (!spec.equals(old.path("spec"))) {
                    annotations.put(LAST_MODIFIER, user);
                } else if (oldAnnotations.has(LAST_MODIFIER)) {
                    annotations.set(LAST_MODIFIER, oldAnnotations.get(LAST_MODIFIER));
                }
            }
        }
    }

    private static void revisionSpecDefaults(ObjectNode rs, boolean create, Config config) {
        if (!rs.hasNonNull("timeoutSeconds") || rs.get("timeoutSeconds").asLong() == 0) {
            rs.put("timeoutSeconds", config.revisionTimeoutSeconds());
        }
        // The idle timeout's default is 0, which sets nothing.
        if (!rs.hasNonNull("responseStartTimeoutSeconds") && RESPONSE_START_TIMEOUT_SECONDS < rs.get("timeoutSeconds").asLong()) {
            rs.put("responseStartTimeoutSeconds", RESPONSE_START_TIMEOUT_SECONDS);
        }
        if (!rs.hasNonNull("containerConcurrency")) {
            rs.put("containerConcurrency", config.containerConcurrency());
        }
        ArrayNode containers = rs.withArray("containers");
        int suffix = 0;
        for (int i = 0; i < containers.size(); i++) {
            ObjectNode c = (ObjectNode) containers.get(i);
            if (c.path("name").asText("").isEmpty()) {
                c.put("name", containers.size() > 1 ? USER_CONTAINER + "-" + suffix++ : USER_CONTAINER);
            }
            if (containers.size() == 1 || c.path("ports").size() > 0) {
                ObjectNode probe = c.with("readinessProbe");
                if (!probe.has("tcpSocket") && !probe.has("httpGet") && !probe.has("exec") && !probe.has("grpc")) {
                    probe.putObject("tcpSocket");
                }
            }
            if (c.has("readinessProbe")) {
                ObjectNode probe = (ObjectNode) c.get("readinessProbe");
                if (probe.path("successThreshold").asInt(0) == 0) {
                    probe.put("successThreshold", 1);
                }
                if (probe.path("periodSeconds").asInt(0) != 0) {
                    if (probe.path("failureThreshold").asInt(0) == 0) {
                        probe.put("failureThreshold", 3);
                    }
                    if (probe.path("timeoutSeconds").asInt(0) == 0) {
                        probe.put("timeoutSeconds", 1);
                    }
                }
            }
        }
        if (!rs.has("enableServiceLinks") && create) {
            rs.put("enableServiceLinks", false);
        }
    }

    /**
     * The validating webhook's checks of the settings a cluster's operator limits, on a Service after defaulting
     * (autoscaling/annotation_validation.go {@code validateMinMaxScale}, {@code validateMaxScaleWithinLimit};
     * serving/metadata_validation.go {@code ValidateContainerConcurrency}; v1/revision_validation.go
     * {@code validateTimeoutSeconds}), each as knative.dev/pkg's {@code FieldError} words it.
     *
     * @param service the Service, defaulted
     * @param config the cluster's Knative configuration
     * @return the errors, empty when the webhook admits it
     */
    public static List<String> validate(JsonNode service, Config config) {
        List<String> errors = new ArrayList<>();
        JsonNode template = service.path("spec").path("template");
        JsonNode annotations = template.path("metadata").path("annotations");
        String annotationsPath = "spec.template.metadata.annotations.";
        String minKey = "autoscaling.knative.dev/min-scale";
        String maxKey = "autoscaling.knative.dev/max-scale";
        long min = annotations.path(minKey).asLong(0);
        long max = annotations.path(maxKey).asLong(0);
        if (max != 0 && max < min) {
            errors.add("max-scale=" + max + " is less than min-scale=" + min + ": " + annotationsPath + maxKey + ", " + annotationsPath + minKey);
        }
        if (annotations.has(maxKey) && config.maxScaleLimit() > 0) {
            if (max > config.maxScaleLimit()) {
                errors.add("expected 1 <= " + max + " <= " + config.maxScaleLimit() + ": " + annotationsPath + maxKey);
            }
            if (max == 0) {
                errors.add("max-scale=0 (unlimited), must be less than " + config.maxScaleLimit() + ": " + annotationsPath + maxKey);
            }
        }
        JsonNode spec = template.path("spec");
        if (spec.hasNonNull("containerConcurrency")) {
            long cc = spec.get("containerConcurrency").asLong();
            long lowest = config.allowContainerConcurrencyZero() ? 0 : 1;
            if (cc < lowest || cc > config.containerConcurrencyMaxLimit()) {
                errors.add("expected " + lowest + " <= " + cc + " <= " + config.containerConcurrencyMaxLimit() + ": spec.template.spec.containerConcurrency");
            }
        }
        if (spec.hasNonNull("timeoutSeconds")) {
            long timeout = spec.get("timeoutSeconds").asLong();
            if (timeout != 0 && (timeout > config.maxRevisionTimeoutSeconds() || timeout < 0)) {
                errors.add("expected 0 <= " + timeout + " <= " + config.maxRevisionTimeoutSeconds() + ": spec.template.spec.timeoutSeconds");
            }
        }
        return errors;
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
