package dev.kiln.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.validation.ValidationPolicy;
import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.controller.cluster.ApiRequest;
import dev.kiln.controller.cluster.ClusterDispatcher;
import dev.kiln.controller.cluster.JobController;
import dev.kiln.controller.cluster.KnativeServing;
import dev.kiln.controller.cluster.Rbac;
import dev.kiln.controller.cluster.ValidatingWebhook;
import dev.kiln.controller.functions.ImageRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A test cluster: the fabric8 mock API server in CRUD mode with Kiln's CRDs from {@code config/300-crds} (the files a
 * cluster installs, so status is a subresource as on a real API server), and in front of and behind it what a real
 * cluster adds ({@link ClusterDispatcher}): RBAC from {@code config/} for the controller's requests, Knative
 * Serving's webhooks (defaulting, {@link KnativeServing}, and validating, {@link dev.kiln.controller.cluster.KnativeValidation})
 * and controller, ResourceQuota's object counts, the Job controller ({@link JobController}) and the
 * garbage collector. A JOSDK Operator runs reconcilers against it with {@link #controllerClient()}, which acts as
 * Kiln's ServiceAccount; {@link #client()} is the test's own, unrestricted.
 *
 * <p>Server-side apply is off: the mock does not implement it (see {@code docs/decisions.md}).
 */
public final class MockCluster implements AutoCloseable {

    /** Kiln's CRDs; {@code -Dkiln.crds=...} when running from elsewhere than a module (the benchmarks). */
    static final Path CRDS = Path.of(System.getProperty("kiln.crds", "../config/300-crds"));
    /** The install's kustomization, for its RBAC. */
    static final Path CONFIG = CRDS.getParent();
    /** Kiln's controller, as its ServiceAccount in {@code config/200-serviceaccount.yaml}. */
    public static final String CONTROLLER_USER = "system:serviceaccount:kiln-system:kiln-controller";
    /** What Knative Eventing's core installs for addressable resolution (see the file's header). */
    public static final String KNATIVE_EVENTING_ROLES = "/cluster/knative-eventing-addressable-resolvers.yaml";
    /** What every Kubernetes API server grants every authenticated user (see the file's header). */
    public static final String KUBERNETES_BOOTSTRAP_ROLES = "/cluster/kubernetes-bootstrap-roles.yaml";

    private final ClusterDispatcher dispatcher;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final KubernetesClient controllerClient;
    private final KnativeServing serving;
    private final JobController jobs;
    private final ExecutorService garbageCollector = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-cluster-gc");
        t.setDaemon(true);
        return t;
    });
    private Operator operator;

    public MockCluster() throws IOException {
        dispatcher = new ClusterDispatcher(new Rbac(Rbac.fromKustomization(CONFIG)).with(roles(KUBERNETES_BOOTSTRAP_ROLES))
                .with(roles(KNATIVE_EVENTING_ROLES)));
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = KilnKinds.register(server.createClient());
        Config asController = new ConfigBuilder(client.getConfiguration()).withImpersonateUsername(CONTROLLER_USER).build();
        controllerClient = KilnKinds.register(new KubernetesClientBuilder().withConfig(asController).build());
        installCrds(client);
        client.apiextensions().v1().customResourceDefinitions().resource(knativeServiceCrd()).create();
        dispatcher.collector(this::collectDependents);
        serving = new KnativeServing(client);
        jobs = new JobController(client);
        startComponents();
    }

    /** Creates Kiln's CRDs, as {@code config/300-crds} has them, through the client. */
    public static void installCrds(KubernetesClient client) throws IOException {
        try (Stream<Path> files = Files.list(CRDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
                    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
            }
        }
    }

    /** Knative's Service CRD as far as the API server's behaviour goes: namespaced, status a subresource. */
    public static CustomResourceDefinition knativeServiceCrd() {
        return new CustomResourceDefinitionBuilder().withNewMetadata().withName("services.serving.knative.dev").endMetadata()
                .withNewSpec().withGroup("serving.knative.dev").withScope("Namespaced")
                .withNewNames().withKind("Service").withPlural("services").withSingular("service").withListKind("ServiceList").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSubresources().withNewStatus().endStatus().endSubresources()
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .endVersion().endSpec().build();
    }

    /**
     * @param resource a YAML file on the test class path
     * @return its RBAC objects
     */
    public static List<HasMetadata> roles(String resource) {
        // Read as a stream: the benchmarks load this class from the tests' jar.
        try (InputStream in = MockCluster.class.getResourceAsStream(resource)) {
            return Rbac.fromYaml(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Build settings with pinned, made-up images: the Jobs are never run, the test or benchmark plays Kaniko. */
    public static final BuilderConfig BUILDER = new BuilderConfig("ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64),
            "ghcr.io/kiln-dev/kiln-builder@sha256:" + "2".repeat(64), 86400, null,
            new MavenDockerfile.BaseImages("docker.io/library/maven@sha256:" + "3".repeat(64),
                    "docker.io/library/eclipse-temurin@sha256:" + "4".repeat(64)));

    /**
     * The installation's registry and push secret: images under {@code registry.example.com/kiln}, Git over https and
     * ssh, and http, which the operator of this test cluster allows for its Git server (JGit over plain HTTP).
     */
    public static final ImageRegistry REGISTRY = new ImageRegistry(ValidationPolicy.cluster(Set.of("https", "ssh", "http"),
            "registry.example.com/kiln", "KILN_GIT_SCHEMES in kiln-config"), null);

    /**
     * Plays the cluster for a build: the Job's pod ran Kaniko, which wrote the pushed image (repository@digest) to its
     * termination message, and the Job completed.
     */
    public void completeBuild(Job job, String digest) {
        // What Kaniko writes with --image-name-with-digest-file: the destination's repository (tag dropped), @, digest.
        String destination = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().stream()
                .filter(a -> a.startsWith("--destination=")).findFirst().orElseThrow().substring("--destination=".length());
        jobs.succeed(job, Jobs.KANIKO, destination.substring(0, destination.lastIndexOf(':')) + "@" + digest + "\n");
    }

    /** @return Knative Serving, to hold or fail revisions */
    public KnativeServing serving() {
        return serving;
    }

    /** @return the Job controller, to end builds */
    public JobController jobs() {
        return jobs;
    }

    /** @return the test's client: unrestricted, as a cluster admin */
    public KubernetesClient client() {
        return client;
    }

    /** @return the controller's client: every request is authorized by the install's RBAC */
    public KubernetesClient controllerClient() {
        return controllerClient;
    }

    /**
     * @param webhook a validating webhook the cluster calls from now on, beside Knative Serving's
     * @return what removes it again
     */
    public AutoCloseable webhook(ValidatingWebhook webhook) {
        return dispatcher.webhook(webhook);
    }

    /** @return the controller's requests RBAC denied since the last {@link #clearRecords()} */
    public List<ApiRequest> denied() {
        return dispatcher.denied();
    }

    /** @return the controller's requests since the last {@link #clearRecords()} */
    public List<ApiRequest> requests() {
        return dispatcher.requests();
    }

    /** Forgets recorded requests. */
    public void clearRecords() {
        dispatcher.clearRecords();
    }

    /**
     * @param more roles installed beside Kiln's and Knative Eventing's, e.g. a Knative extension's
     * @return the roles before, to {@link #uninstall} them
     */
    public Rbac install(List<HasMetadata> more) {
        Rbac before = dispatcher.rbac();
        dispatcher.rbac(before.with(more));
        return before;
    }

    /** @param before what {@link #install} returned: the roles it added are gone */
    public void uninstall(Rbac before) {
        dispatcher.rbac(before);
    }

    /** Starts an operator with these reconcilers on the controller's client (stopping the one before, as a restart). */
    public void start(List<Reconciler<?>> reconcilers) {
        stopOperator();
        operator = new Operator(o -> o.withKubernetesClient(controllerClient).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        reconcilers.forEach(r -> operator.register(r));
        operator.start();
    }

    /** Stops the controller: the cluster runs on without it. */
    public void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }

    private void startComponents() {
        serving.start();
        jobs.start();
    }

    /**
     * Deletes a namespace's content as Kubernetes' namespace controller does: every object in it is deleted, and
     * objects with finalizers stay, marked for deletion, until their finalizers are removed (the namespace stays
     * {@code Terminating} until then).
     */
    public void deleteNamespace(String namespace) {
        for (JsonNode o : objectsIn(namespace)) {
            client.resource((HasMetadata) client.getKubernetesSerialization().unmarshal(o.toString())).delete();
        }
    }

    /** @return what the namespace still holds (a namespace being deleted is gone when this is empty) */
    public List<JsonNode> objectsIn(String namespace) {
        return dispatcher.objects().stream().filter(o -> namespace.equals(o.path("metadata").path("namespace").asText(null))).toList();
    }

    /** The garbage collector: an object's dependents go with it (background propagation). */
    private void collectDependents(JsonNode deleted) {
        String uid = deleted.path("metadata").path("uid").asText(null);
        if (uid == null) {
            return;
        }
        garbageCollector.execute(() -> {
            for (JsonNode o : dispatcher.objects()) {
                boolean dependent = false;
                for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                    dependent |= uid.equals(ref.path("uid").asText());
                }
                if (dependent) {
                    HasMetadata object = client.getKubernetesSerialization().unmarshal(o.toString());
                    client.resource(object).delete();
                }
            }
        });
    }

    @Override
    public void close() {
        stopOperator();
        serving.close();
        jobs.close();
        garbageCollector.shutdownNow();
        controllerClient.close();
        client.close();
        server.destroy();
    }
}
