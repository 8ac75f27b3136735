package dev.kiln.controller.functions;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.ScaleSpec;
import dev.kiln.contract.Labels;
import dev.kiln.controller.OwnedMetadata;
import dev.kiln.controller.Owners;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.builder.plan.Strategy;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Knative Service a Function runs as: a pure function of the Function and the image digest it was built into,
 * golden-tested. Scale settings become the revision template's autoscaling annotations (Knative reads them there,
 * not on the Service), so changing them rolls a new revision, as in Knative. A setting the Function leaves unset is not
 * written at all: the cluster's Knative defaults ({@code config-autoscaler}, {@code config-defaults}) apply, and a
 * cluster that limits a setting ({@code max-scale-limit}, {@code allow-container-concurrency-zero: false}, a lower
 * {@code max-revision-timeout-seconds}) is not refused a value nobody asked for.
 */
public final class KnativeServices {

    /** Knative's autoscaling annotations. */
    static final String MIN_SCALE = "autoscaling.knative.dev/min-scale";
    static final String MAX_SCALE = "autoscaling.knative.dev/max-scale";
    static final String TARGET = "autoscaling.knative.dev/target";
    static final String RETENTION = "autoscaling.knative.dev/scale-to-zero-pod-retention-period";
    /** The commit the revision runs, for people reading the revision. */
    /** The container's name. */
    static final String CONTAINER = "function";

    private KnativeServices() {
    }

    /**
     * Marks a Service with a digest of what Kiln wrote ({@link #owned}), so a later comparison sees a field Kiln
     * stopped setting (an env var or annotation removed), which a comparison of present fields alone cannot.
     */
    static final String APPLIED_ANNOTATION = "kiln.dev/applied";

    /**
     * @param function the Function, Kiln's defaults applied (scale and timeout settings stay unset unless the user set
     *     them)
     * @param image the image pinned by digest ({@code repo@sha256:...})
     * @param commit the commit the image was built from
     * @param strategy how the image was built. The maven strategy's image is Kiln's own Dockerfile (a numeric
     *     non-root {@code USER}, port 8080), so its container meets Pod Security's {@code restricted} profile:
     *     {@code runAsNonRoot}, no capabilities, the runtime's default seccomp profile (Knative adds none of these
     *     unless its {@code secure-pod-defaults} is on, and its queue-proxy already meets the profile). A
     *     {@code dockerfile} image runs as its own Dockerfile says, since the kubelet refuses {@code runAsNonRoot} for
     *     root and for a non-numeric USER
     * @param pullSecret the Secret the image was pushed with, or null: the kubelet pulls the revision's image with
     *     it, since a registry that wants credentials to push usually wants them to pull
     * @return the Knative Service
     */
    public static Service desired(Function function, String image, String commit, Strategy strategy, String pullSecret) {
        FunctionSpec spec = function.getSpec();
        String name = function.getMetadata().getName();
        Map<String, String> labels = Labels.managed(null);
        labels.put(Labels.FUNCTION, name);

        Map<String, String> annotations = new LinkedHashMap<>();
        ScaleSpec scale = spec.scale == null ? new ScaleSpec() : spec.scale;
        putIfSet(annotations, MIN_SCALE, scale.min);
        putIfSet(annotations, MAX_SCALE, scale.max);
        putIfSet(annotations, TARGET, scale.target);
        putIfSet(annotations, RETENTION, scale.retention);
        annotations.put(Labels.COMMIT, commit);

        Container container = new ContainerBuilder().withName(CONTAINER).withImage(image)
                .addNewPort().withName("http1").withContainerPort(8080).endPort()
                .withEnv(spec.env)
                .withResources(spec.resources)
                // The SDK answers readiness only after its warm-up event went through; Knative fills in the port.
                .withNewReadinessProbe().withNewHttpGet().withPath("/health/readiness").endHttpGet().endReadinessProbe()
                .withSecurityContext(securityContext(strategy))
                .build();

        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(function.getMetadata().getNamespace()).withLabels(labels)
                .withOwnerReferences(Owners.controllerOf(function)).endMetadata()
                .withNewSpec().withNewTemplate()
                .withNewMetadata().withLabels(Map.of(Labels.FUNCTION, name)).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withContainerConcurrency(scale.containerConcurrency == null ? null : scale.containerConcurrency.longValue())
                .withTimeoutSeconds(spec.timeoutSeconds == null ? null : spec.timeoutSeconds.longValue())
                .withContainers(container)
                .withImagePullSecrets(pullSecret == null ? List.of() : List.of(new LocalObjectReference(pullSecret)))
                .endSpec().endTemplate().endSpec().build();
    }

    private static void putIfSet(Map<String, String> annotations, String key, Object value) {
        if (value != null) {
            annotations.put(key, String.valueOf(value));
        }
    }

    private static SecurityContext securityContext(Strategy strategy) {
        SecurityContextBuilder context = new SecurityContextBuilder().withAllowPrivilegeEscalation(false);
        if (strategy == Strategy.MAVEN) {
            context.withRunAsNonRoot(true).withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
        }
        return context.build();
    }

    /**
     * @param desired a desired Service
     * @return it, marked with the digest of what Kiln owns in it ({@value #APPLIED_ANNOTATION})
     */
    public static Service applied(Service desired) {
        desired.getMetadata().setAnnotations(new LinkedHashMap<>(Map.of(APPLIED_ANNOTATION, digest(owned(desired)))));
        return desired;
    }

    /**
     * What Kiln writes for a Function: {@code desired} over the Service in the cluster. Labels and annotations, the
     * Service's and its revision template's, follow {@link OwnedMetadata}: others' keys stay through every rollout
     * (an operator's {@code autoscaling.knative.dev/class}, {@code sidecar.istio.io/inject}), Kiln's win. The rest of
     * the template is Kiln's. {@code spec.traffic} is left as it is: the Function has no field for it, and it is how
     * Knative's users pin, split or tag revisions ({@code kn service update --traffic/--tag}), which Knative's own
     * {@code func deploy} keeps when it rolls a new image; unset, Knative sends all traffic to the latest revision (see
     * {@code docs/decisions.md}).
     *
     * @param existing the Service in the cluster, controlled by the Function, or null to create it
     * @param desired what it should be ({@link #applied}); its maps are changed
     * @return the Service to create or update
     */
    static Service writeOver(Service existing, Service desired) {
        Service write = OwnedMetadata.writeOver(existing, desired, KnativeServices::template, UNRECORDED);
        if (existing != null) {
            desired.getSpec().setTraffic(existing.getSpec() == null ? null : existing.getSpec().getTraffic());
            existing.setSpec(desired.getSpec());
        }
        return write;
    }

    /**
     * Every key Kiln wrote on a Service before {@link OwnedMetadata}'s record, so that one Kiln no longer sets (a
     * {@code max-scale} the Function dropped) still goes from a Service written then. Until then the template was
     * replaced whole at each rollout, so no one else's key is taken for Kiln's.
     */
    private static final Map<String, Set<String>> UNRECORDED = OwnedMetadata.keys(Set.of(Labels.MANAGED_BY, Labels.FUNCTION),
            Set.of(APPLIED_ANNOTATION), Set.of(Labels.FUNCTION), Set.of(MIN_SCALE, MAX_SCALE, TARGET, RETENTION, Labels.COMMIT));

    private static ObjectMeta template(Service service) {
        return service.getSpec() == null || service.getSpec().getTemplate() == null ? null : service.getSpec().getTemplate().getMetadata();
    }

    /**
     * Whether the Service must be written: the fields Kiln sets differ from the cluster's, or Kiln's set of fields
     * changed since it last wrote ({@value #APPLIED_ANNOTATION}). Fields Kiln leaves unset are not compared: Knative's
     * webhook fills them ({@code readinessProbe.successThreshold}, {@code enableServiceLinks}, an unset
     * {@code containerConcurrency} or {@code timeoutSeconds}, {@code traffic}...) and they would differ on every
     * reconcile.
     *
     * @param existing the Service in the cluster
     * @param desired what it should be ({@link #applied})
     * @return true when it must be updated
     */
    public static boolean differs(Service existing, Service desired) {
        Map<String, String> annotations = existing.getMetadata().getAnnotations();
        String applied = annotations == null ? null : annotations.get(APPLIED_ANNOTATION);
        return !digest(owned(desired)).equals(applied) || !OwnedFields.contained(owned(desired), owned(existing));
    }

    /** The parts of a Service Kiln writes: its labels and its revision template. */
    static JsonNode owned(Service service) {
        ObjectNode owned = SERIALIZATION.createObjectNode();
        owned.set("labels", SERIALIZATION.valueToTree(service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels()));
        owned.set("template", SERIALIZATION.valueToTree(service.getSpec() == null ? null : service.getSpec().getTemplate()));
        return owned;
    }

    private static String digest(JsonNode owned) {
        try {
            byte[] canonical = SERIALIZATION.copy().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsBytes(SERIALIZATION.treeToValue(owned, Object.class));
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(canonical)).substring(0, 32);
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper SERIALIZATION = new com.fasterxml.jackson.databind.ObjectMapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
}
