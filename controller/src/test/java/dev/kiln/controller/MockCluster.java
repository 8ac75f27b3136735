package dev.kiln.controller;

import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
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
import java.util.stream.Stream;

/**
 * The fabric8 mock API server in CRUD mode with Kiln's CRDs from {@code config/300-crds} (the files a cluster
 * installs, so status is a subresource as on a real API server), and a JOSDK Operator running reconcilers against it.
 * Server-side apply is off: the mock does not implement it (see {@code docs/decisions.md}).
 */
public final class MockCluster implements AutoCloseable {

    /** Kiln's CRDs; {@code -Dkiln.crds=...} when running from elsewhere than a module (the benchmarks). */
    static final Path CRDS = Path.of(System.getProperty("kiln.crds", "../config/300-crds"));

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private Operator operator;

    public MockCluster() throws IOException {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = KilnKinds.register(server.createClient());
        installCrds(client);
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

    /** Build settings with pinned, made-up images: the Jobs are never run, the test or benchmark plays Kaniko. */
    public static final BuilderConfig BUILDER = new BuilderConfig("ghcr.io/osscontainertools/kaniko@sha256:" + "1".repeat(64),
            "ghcr.io/kiln-dev/kiln-builder@sha256:" + "2".repeat(64), 86400, null,
            new MavenDockerfile.BaseImages("docker.io/library/maven@sha256:" + "3".repeat(64),
                    "docker.io/library/eclipse-temurin@sha256:" + "4".repeat(64)));

    /**
     * Plays the cluster for a build: the Job's pod ran Kaniko, which wrote the pushed image (repository@digest) to its
     * termination message, and the Job completed.
     */
    public void completeBuild(Job job, String digest) {
        String ns = job.getMetadata().getNamespace();
        // What Kaniko writes with --image-name-with-digest-file: the destination's repository (tag dropped), @, digest.
        String destination = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().stream()
                .filter(a -> a.startsWith("--destination=")).findFirst().orElseThrow().substring("--destination=".length());
        String image = destination.substring(0, destination.lastIndexOf(':')) + "@" + digest + "\n";
        client.resource(new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-x").withNamespace(ns)
                .addToLabels("job-name", job.getMetadata().getName()).endMetadata()
                .withNewStatus().addNewContainerStatus().withName(Jobs.KANIKO).withNewState().withNewTerminated()
                .withExitCode(0).withMessage(image).endTerminated().endState().endContainerStatus().endStatus().build()).create();
        job.setStatus(new JobStatusBuilder().withSucceeded(1)
                .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build()).build());
        client.resource(job).updateStatus();
    }

    /** @return a client of the mock server */
    public KubernetesClient client() {
        return client;
    }

    /** Starts an operator with these reconcilers (stopping the one before, as a controller restart would). */
    public void start(List<Reconciler<?>> reconcilers) {
        stopOperator();
        operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        reconcilers.forEach(r -> operator.register(r));
        operator.start();
    }

    private void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }

    @Override
    public void close() {
        stopOperator();
        client.close();
        server.destroy();
    }
}
