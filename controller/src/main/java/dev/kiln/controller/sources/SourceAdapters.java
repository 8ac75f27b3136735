package dev.kiln.controller.sources;

import dev.kiln.contract.Labels;
import dev.kiln.contract.Names;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.controller.OwnedMetadata;
import dev.kiln.controller.Owners;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The workloads a source runs as, pure functions of the source and its {@link AdapterEnvironment}, golden-tested:
 * a Deployment running {@code kiln-event-sources <kind>}, and for webhook sources a ClusterIP Service in front of
 * it. The Service is cluster-internal on purpose: how it is exposed (an Ingress, a Gateway route, a tunnel) is the
 * cluster owner's choice; {@code docs/controller.md} shows an Ingress.
 */
public final class SourceAdapters {

    /** The adapter container's name. */
    public static final String CONTAINER = "adapter";
    /** The port the adapter serves webhooks, health and metrics on. */
    public static final int PORT = 8080;

    private SourceAdapters() {
    }

    /**
     * @param source the source
     * @param kind the adapter's kind
     * @return the name of its Deployment and Service: {@code <name>-<kind>source}, length-safe
     */
    public static String name(HasMetadata source, String kind) {
        return Names.child(source.getMetadata().getName(), "-" + kind + "source");
    }

    /**
     * @param source the source
     * @param env its adapter's environment
     * @param image the event-sources image, pinned by digest
     * @param imagePullSecret the Secret, in the source's namespace, the kubelet pulls {@code image} with, or null
     * @return the adapter's Deployment
     */
    public static Deployment deployment(HasMetadata source, AdapterEnvironment env, String image, String imagePullSecret) {
        String name = name(source, env.kind());
        Map<String, String> selector = selector(source, env.kind());
        Container container = new ContainerBuilder().withName(CONTAINER).withImage(image).withArgs(env.kind())
                .withEnv(env.variables().stream().map(SourceAdapters::envVar).toList())
                .addNewPort().withName("http").withContainerPort(PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/health/readiness").withPort(new IntOrString("http")).endHttpGet().endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/health/liveness").withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe()
                .withNewResources().addToRequests("cpu", new Quantity("50m")).addToRequests("memory", new Quantity("128Mi"))
                .addToLimits("memory", new Quantity("256Mi")).endResources()
                .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                // The root filesystem is read-only; the JVM and Vert.x's file cache write under /tmp.
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(source.getMetadata().getNamespace()).withLabels(labels(source, env.kind()))
                .withOwnerReferences(Owners.controllerOf(source)).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(selector).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels(source, env.kind())).endMetadata()
                .withNewSpec()
                // The adapter reads only its own variables; service links would add one set per Service in the namespace.
                .withEnableServiceLinks(false)
                .withAutomountServiceAccountToken(false)
                .withContainers(container)
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate().endSpec().build();
        if (imagePullSecret != null) {
            deployment.getSpec().getTemplate().getSpec().setImagePullSecrets(List.of(new LocalObjectReference(imagePullSecret)));
        }
        return deployment;
    }

    /**
     * @param source a webhook source
     * @param kind github or gitlab
     * @return the ClusterIP Service in front of its adapter
     */
    public static Service service(HasMetadata source, String kind) {
        String name = name(source, kind);
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(source.getMetadata().getNamespace()).withLabels(labels(source, kind))
                .withOwnerReferences(Owners.controllerOf(source)).endMetadata()
                .withNewSpec().withSelector(selector(source, kind))
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
                .endSpec().build();
    }

    /**
     * @param source a webhook source
     * @param kind github or gitlab
     * @return the in-cluster URL of its webhook (what an Ingress or a tunnel forwards to)
     */
    public static String webhookUrl(HasMetadata source, String kind) {
        return "http://" + name(source, kind) + "." + source.getMetadata().getNamespace() + ".svc.cluster.local";
    }

    /**
     * What Kiln writes for an adapter: {@code desired} over the Deployment in the cluster. Labels and annotations, the
     * Deployment's and its pod template's, follow {@link OwnedMetadata}: others' keys stay (a cost-center label, the
     * {@code restartedAt} of {@code kubectl rollout restart}), Kiln's win. The spec is Kiln's.
     *
     * @param existing the Deployment in the cluster, controlled by the source, or null to create it
     * @param desired what it should be; its maps are changed
     * @return the Deployment to create or update
     */
    public static Deployment writeOver(Deployment existing, Deployment desired) {
        Deployment write = OwnedMetadata.writeOver(existing, desired, SourceAdapters::template, UNRECORDED);
        if (existing != null) {
            existing.setSpec(desired.getSpec());
        }
        return write;
    }

    /**
     * Kiln's keys on a Deployment written before {@link OwnedMetadata}'s record: none beyond those it sets now (its
     * labels have not changed since).
     */
    private static final Map<String, Set<String>> UNRECORDED = Map.of();

    private static ObjectMeta template(Deployment d) {
        return d.getSpec() == null || d.getSpec().getTemplate() == null ? null : d.getSpec().getTemplate().getMetadata();
    }

    /**
     * @param existing the Deployment in the cluster
     * @param desired what it should be
     * @return whether the parts Kiln owns differ (the API server defaults the rest, which Kiln must not fight over;
     *     labels and annotations others added are not a difference, {@link OwnedMetadata#holds})
     */
    public static boolean differs(Deployment existing, Deployment desired) {
        if (existing.getSpec() == null || existing.getSpec().getTemplate() == null || existing.getSpec().getTemplate().getSpec() == null) {
            return true;
        }
        List<Container> have = existing.getSpec().getTemplate().getSpec().getContainers();
        Container want = desired.getSpec().getTemplate().getSpec().getContainers().get(0);
        return have == null || have.size() != 1
                || !Objects.equals(have.get(0).getImage(), want.getImage())
                || !Objects.equals(have.get(0).getArgs(), want.getArgs())
                || !Objects.equals(have.get(0).getEnv(), want.getEnv())
                || !Objects.equals(pullSecrets(existing), pullSecrets(desired))
                || !OwnedMetadata.holds(existing, desired, SourceAdapters::template, UNRECORDED);
    }

    /** The names, none for a null list: the API server returns no field for an empty one. */
    private static List<String> pullSecrets(Deployment d) {
        List<LocalObjectReference> refs = d.getSpec().getTemplate().getSpec().getImagePullSecrets();
        return refs == null ? List.of() : refs.stream().map(LocalObjectReference::getName).toList();
    }

    private static EnvVar envVar(AdapterEnvironment.Variable v) {
        if (v.fromSecret()) {
            // A reference: the kubelet reads the Secret; its value is never in a spec the controller writes or logs.
            return new EnvVarBuilder().withName(v.name()).withNewValueFrom().withNewSecretKeyRef()
                    .withName(v.secretName()).withKey(v.secretKey()).endSecretKeyRef().endValueFrom().build();
        }
        return new EnvVarBuilder().withName(v.name()).withValue(v.value()).build();
    }

    private static Map<String, String> selector(HasMetadata source, String kind) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.SOURCE_KIND, kind);
        labels.put(Labels.SOURCE, Names.child(source.getMetadata().getName(), "")); // a label value holds 63 characters
        return labels;
    }

    private static Map<String, String> labels(HasMetadata source, String kind) {
        Map<String, String> labels = Labels.managed(Labels.COMPONENT_SOURCE_ADAPTER);
        labels.putAll(selector(source, kind));
        return labels;
    }
}
