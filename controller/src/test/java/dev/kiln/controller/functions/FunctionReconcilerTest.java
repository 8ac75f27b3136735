package dev.kiln.controller.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionLifecycle;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.builder.git.GitSources;
import dev.kiln.contract.Labels;
import dev.kiln.controller.MockCluster;
import dev.kiln.builder.push.Push;
import dev.kiln.controller.push.FunctionsByRepository;
import dev.kiln.controller.push.PushRouter;
import dev.kiln.builder.push.RepositoryUrls;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.knative.pkg.apis.ConditionBuilder;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceStatusBuilder;
import io.fabric8.knative.serving.v1.TrafficTargetBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Function lifecycle against the fabric8 mock API server in CRUD mode, with a real Git server: the test plays
 * the cluster (it completes or fails the Job, and sets the Knative Service ready), the reconciler, run by a JOSDK
 * Operator, does the rest.
 */
class FunctionReconcilerTest {

    static final Path GREETER = Path.of("..", "examples", "functions", "greeter").toAbsolutePath().normalize();
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final Duration WAIT = Duration.ofSeconds(20);

    static GitHttpServer git;
    static GitHttpServer.Repo repo;
    static RevCommit first;
    static Path gitBase;

    static MockCluster cluster;
    static KubernetesClient client;
    /** The push endpoint's index, on whichever reconciler runs now (a restart re-indexes the new informer). */
    static final FunctionsByRepository BY_REPOSITORY = new FunctionsByRepository();

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createTempDirectory("kiln-controller-git");
        gitBase = base;
        Files.createDirectories(base.resolve("public"));
        git = new GitHttpServer(base);
        repo = git.new Repo("public/functions.git");
        first = repo.commitTree("the greeter", GREETER, "greeter");
        cluster = new MockCluster();
        client = cluster.client();
        cluster.start(List.of(reconciler(base.resolve("git-cache"))));
    }

    static FunctionReconciler reconciler(Path gitCache) {
        java.time.Clock clock = java.time.Clock.systemUTC();
        KubernetesClient controller = cluster.controllerClient();
        return new FunctionReconciler(controller, new CommitResolver(GitSources.shared(gitCache), controller, clock), MockCluster.BUILDER,
                MockCluster.REGISTRY, clock, BY_REPOSITORY);
    }

    /** @return the Warning Events on the Function {@code ns/name} */
    List<io.fabric8.kubernetes.api.model.Event> warnings(String ns, String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()) && "Function".equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @org.junit.jupiter.api.AfterEach
    void theInstallsRbacAllowedEveryRequest() {
        assertThat(cluster.denied()).as("requests the install's RBAC forbids").isEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        repo.close();
        git.close();
    }

    static Function function(String namespace, String name) {
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        FunctionSpec spec = new FunctionSpec();
        spec.source = new FunctionSource();
        spec.source.git = new GitSource();
        spec.source.git.url = git.url("public/functions.git");
        spec.source.git.revision = "main";
        spec.source.git.contextDir = "greeter";
        f.setSpec(spec);
        return f;
    }

    Function get(String namespace, String name) {
        return client.resources(Function.class).inNamespace(namespace).withName(name).get();
    }

    static Optional<Condition> condition(Function f, String type) {
        return f == null || f.getStatus() == null ? Optional.empty()
                : f.getStatus().conditions.stream().filter(c -> type.equals(c.type)).findFirst();
    }

    List<Job> jobs(String namespace) {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    }

    void completeBuild(Job job, String digest) {
        cluster.completeBuild(job, digest);
    }

    @Test
    void aFunctionIsBuiltDeployedAndReady() {
        String ns = "lifecycle";
        client.resource(function(ns, "greeter")).create();

        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        Job job = jobs(ns).get(0);
        String uid = get(ns, "greeter").getMetadata().getUid();
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Function");
            assertThat(o.getName()).isEqualTo("greeter");
            assertThat(o.getUid()).isEqualTo(uid);
            assertThat(o.getController()).isTrue();
        });
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.FUNCTION, "greeter").containsEntry(Labels.COMMIT, first.name());
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--destination=registry.example.com/kiln/" + ns + "/greeter:" + first.name().substring(0, 12));
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> "Building".equals(c.reason)).orElse(false));
        Function building = get(ns, "greeter");
        assertThat(building.getStatus().commit).isEqualTo(first.name());
        assertThat(building.getStatus().observedGeneration).isEqualTo(1L);
        assertThat(condition(building, "SourceResolved")).map(c -> c.status).contains(Condition.TRUE);
        assertThat(condition(building, "Ready")).map(c -> c.status).contains(Condition.UNKNOWN);

        completeBuild(job, DIGEST);
        await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() != null);
        Service ksvc = client.resources(Service.class).inNamespace(ns).withName("greeter").get();
        String image = "registry.example.com/kiln/" + ns + "/greeter@" + DIGEST;
        assertThat(ksvc.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(image);
        assertThat(ksvc.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo("greeter"));
        await().atMost(WAIT).until(() -> image.equals(get(ns, "greeter").getStatus().image));

        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.TRUE.equals(c.status)).orElse(false));
        Function ready = get(ns, "greeter");
        assertThat(ready.getStatus().url).isEqualTo("http://greeter." + ns + ".example.com");
        assertThat(ready.getStatus().address.url).isEqualTo("http://greeter." + ns + ".svc.cluster.local");
        assertThat(jobs(ns)).as("one build for one key").hasSize(1);
    }

    /**
     * A cluster whose operator limits Knative (operator review 2, finding 2): Kiln writes no scale or timeout setting
     * the Function leaves unset, so Knative's webhook admits the Service and fills in the cluster's own defaults.
     * Before, Kiln pinned {@code max-scale: "0"}, {@code containerConcurrency: 0} and {@code timeoutSeconds: 300},
     * all three refused here, and the Function never became ready.
     */
    @Test
    void aFunctionThatSetsNothingRunsWithTheClustersKnativeDefaultsAndLimits() {
        String ns = "limited-knative";
        var defaults = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("config-defaults")
                .withNamespace(dev.kiln.controller.cluster.KnativeServing.SYSTEM_NAMESPACE).endMetadata()
                .addToData("allow-container-concurrency-zero", "false").addToData("container-concurrency", "10")
                .addToData("revision-timeout-seconds", "120").addToData("max-revision-timeout-seconds", "240").build();
        var autoscaler = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("config-autoscaler")
                .withNamespace(dev.kiln.controller.cluster.KnativeServing.SYSTEM_NAMESPACE).endMetadata()
                .addToData("max-scale-limit", "10").build();
        client.resource(defaults).create();
        client.resource(autoscaler).create();
        try {
            client.resource(function(ns, "greeter")).create();
            await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
            completeBuild(jobs(ns).get(0), DIGEST);
            await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.TRUE.equals(c.status)).orElse(false));

            var template = client.resources(Service.class).inNamespace(ns).withName("greeter").get().getSpec().getTemplate();
            assertThat(template.getMetadata().getAnnotations()).as("no autoscaling setting pinned").containsOnlyKeys(Labels.COMMIT);
            assertThat(template.getSpec().getContainerConcurrency()).as("config-defaults' container-concurrency").isEqualTo(10L);
            assertThat(template.getSpec().getTimeoutSeconds()).as("config-defaults' revision-timeout-seconds").isEqualTo(120L);
        } finally {
            client.resource(defaults).delete();
            client.resource(autoscaler).delete();
        }
    }

    @Test
    void anInvalidSpecNamesEveryField() {
        String ns = "invalid";
        Function f = function(ns, "broken");
        f.getSpec().source.git.url = "";
        f.getSpec().timeoutSeconds = -1;
        client.resource(f).create();
        await().atMost(WAIT).until(() -> condition(get(ns, "broken"), "Ready").map(c -> "InvalidSpec".equals(c.reason)).orElse(false));
        Condition ready = condition(get(ns, "broken"), "Ready").orElseThrow();
        assertThat(ready.status).isEqualTo(Condition.FALSE);
        assertThat(ready.message).contains("spec.source.git.url", "spec.timeoutSeconds");
        assertThat(jobs(ns)).isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(warnings(ns, "broken")).singleElement()
                .satisfies(e -> assertThat(e.getReason() + ": " + e.getMessage()).isEqualTo("InvalidSpec: " + ready.message)));
    }

    /**
     * What Knative Serving's webhook refuses at its default feature flags (the test cluster plays it) is refused by Kiln
     * first, at the Function's own field, before anything is built: {@code fieldRef} would otherwise be built and then
     * refused as the Knative Service's {@code spec.template.spec.containers[0].env[0].valueFrom.fieldRef}.
     */
    @Test
    void anEnvVarFromTheDownwardApiIsAnInvalidSpecAtItsField() {
        String ns = "downward";
        Function f = function(ns, "greeter");
        f.getSpec().env.add(new io.fabric8.kubernetes.api.model.EnvVar("NS", null,
                new io.fabric8.kubernetes.api.model.EnvVarSourceBuilder().withNewFieldRef("v1", "metadata.namespace").build()));
        client.resource(f).create();
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> "InvalidSpec".equals(c.reason)).orElse(false));
        assertThat(condition(get(ns, "greeter"), "Ready").orElseThrow().message).startsWith("spec.env[0].valueFrom.fieldRef: is not supported");
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> jobs(ns).isEmpty());
    }

    static Stream<Arguments> aKnativeServiceWriteTheClusterDoesNotTakeKeepsItsImage() {
        String policy = "functions must be cluster-local in namespace service-refused";
        return Stream.of(
                Arguments.of(Named.of("a policy webhook refuses it (403): ServiceRefused with the API server's message, one Warning Event",
                        "service-refused"), new dev.kiln.controller.cluster.ValidatingWebhook.Denial(0, null, policy), Condition.FALSE,
                        "the cluster refused to create the Knative Service: services.serving.knative.dev \"greeter\" is forbidden:"
                                + " admission webhook \"policy.example.com\" denied the request: " + policy),
                Arguments.of(Named.of("a webhook errs (500): no refusal, JOSDK retries, no Warning Event", "service-errs"),
                        new dev.kiln.controller.cluster.ValidatingWebhook.Denial(500, "InternalError", "connection refused"), Condition.UNKNOWN, null));
    }

    /**
     * A Knative Service write the cluster does not take, for a reason Kiln cannot foresee: a refusal (a policy webhook)
     * is reported with the API server's message and a Warning Event; a failure on the server's side (a webhook that errs)
     * is no refusal and is retried by JOSDK. Either way the image of the build that succeeded stays in the status, so the
     * Job's TTL does not make it build again; and once the webhook is gone the Service is created without a new build.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void aKnativeServiceWriteTheClusterDoesNotTakeKeepsItsImage(String ns, dev.kiln.controller.cluster.ValidatingWebhook.Denial denial,
            String serviceReady, String message) throws Exception {
        var webhook = new dev.kiln.controller.cluster.ValidatingWebhook("policy.example.com", "serving.knative.dev", "services",
                service -> ns.equals(service.path("metadata").path("namespace").asText()) ? Optional.of(denial) : Optional.empty());
        String image = "registry.example.com/kiln/" + ns + "/greeter@" + DIGEST;
        try (AutoCloseable installed = cluster.webhook(webhook)) {
            client.resource(function(ns, "greeter")).create();
            await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
            Job job = jobs(ns).get(0);
            completeBuild(job, DIGEST);
            await().atMost(WAIT).until(() -> image.equals(get(ns, "greeter").getStatus().image)
                    && condition(get(ns, "greeter"), "ServiceReady").map(c -> serviceReady.equals(c.status)).orElse(false));
            assertThat(condition(get(ns, "greeter"), "BuildSucceeded")).map(c -> c.status).contains(Condition.TRUE);
            if (message != null) {
                Condition refused = condition(get(ns, "greeter"), "ServiceReady").orElseThrow();
                assertThat(refused.reason).isEqualTo("ServiceRefused");
                assertThat(refused.message).isEqualTo(message);
                assertThat(condition(get(ns, "greeter"), "Ready")).map(c -> c.status + "/" + c.reason).contains("False/ServiceRefused");
            }

            // The TTL controller deletes the finished Job; a reconcile after it builds nothing.
            client.resource(job).delete();
            await().atMost(WAIT).until(() -> jobs(ns).isEmpty());
            client.resources(Function.class).inNamespace(ns).withName("greeter")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"1\"}}}");
            await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> assertThat(jobs(ns)).as("no new build").isEmpty());
            assertThat(get(ns, "greeter").getStatus().image).isEqualTo(image);
            assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get()).isNull();
            // One Event for the refusal, not one per reconcile that finds it still refused (the nudge's, JOSDK's retries).
            assertThat(warnings(ns, "greeter")).as("Warning Events").hasSize(message == null ? 0 : 1).allSatisfy(e -> {
                assertThat(e.getReason()).isEqualTo("ServiceRefused");
                assertThat(e.getMessage()).isEqualTo(message);
                assertThat(e.getCount()).isEqualTo(1);
                assertThat(e.getInvolvedObject().getUid()).isEqualTo(get(ns, "greeter").getMetadata().getUid());
                assertThat(e.getSource().getComponent()).isEqualTo("kiln-controller");
            });
        }
        // The webhook is gone: the next reconcile (here an edit; else the retry) creates the Service from the kept image.
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"2\"}}}");
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.TRUE.equals(c.status)).orElse(false));
        assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage()).isEqualTo(image);
        assertThat(jobs(ns)).isEmpty();
    }

    /** A build Job the cluster refuses (a ResourceQuota on Jobs): the Function says so, and asks again once it may. */
    @Test
    void aBuildJobTheClusterRefusesSaysWhyAndIsAskedForAgain() {
        String ns = "job-refused";
        var quota = new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder().withNewMetadata().withName("builds").withNamespace(ns).endMetadata()
                .withNewSpec().addToHard("count/jobs.batch", new io.fabric8.kubernetes.api.model.Quantity("0")).endSpec().build();
        client.resource(quota).create();
        client.resource(function(ns, "greeter")).create();
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
        Condition refused = condition(get(ns, "greeter"), "BuildSucceeded").orElseThrow();
        assertThat(refused.reason).isEqualTo("JobRefused");
        assertThat(refused.message).startsWith("the cluster refused to create the build Job: jobs.batch \"greeter-")
                .endsWith("\" is forbidden: exceeded quota: builds, requested: count/jobs.batch=1, used: count/jobs.batch=0, limited: count/jobs.batch=0");
        assertThat(condition(get(ns, "greeter"), "Ready")).map(c -> c.status + "/" + c.reason).contains("False/JobRefused");
        assertThat(jobs(ns)).isEmpty();
        // A reconcile that finds it still refused records no second Event.
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"0\"}}}");
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).untilAsserted(() -> assertThat(warnings(ns, "greeter")).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("JobRefused");
            assertThat(e.getMessage()).isEqualTo(refused.message);
            assertThat(e.getCount()).isEqualTo(1);
        }));

        client.resources(io.fabric8.kubernetes.api.model.ResourceQuota.class).inNamespace(ns).withName("builds")
                .edit(q -> { q.getSpec().getHard().put("count/jobs.batch", new io.fabric8.kubernetes.api.model.Quantity("1")); return q; });
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"1\"}}}");
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> "Building".equals(c.reason)).orElse(false));
    }

    /** @return the Job of a Function {@code greeter} in {@code ns} whose build failed, once the Function says so */
    Job failedBuild(String ns) {
        client.resource(function(ns, "greeter")).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        Job job = jobs(ns).get(0);
        cluster.jobs().fail(job, Jobs.KANIKO, "error building image: RUN mvn package: exit code 1");
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
        return job;
    }

    @Test
    void aFailedBuildSaysWhyAndDeploysNothing() {
        String ns = "failing";
        failedBuild(ns);
        Condition failed = condition(get(ns, "greeter"), "BuildSucceeded").orElseThrow();
        assertThat(failed.reason).isEqualTo("BuildFailed");
        assertThat(failed.message).contains("RUN mvn package: exit code 1");
        assertThat(condition(get(ns, "greeter"), "Ready")).map(c -> c.status).contains(Condition.FALSE);
        assertThat(client.resources(Service.class).inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void aFailedBuildWhoseJobTheTtlDeletedIsNotRebuiltUntilARebuildIsAsked() {
        String ns = "failed-ttl";
        Job failed = failedBuild(ns);
        Condition before = condition(get(ns, "greeter"), "BuildSucceeded").orElseThrow();

        // The TTL controller deletes a finished Job once ttlSecondsAfterFinished has passed (kiln-config: a day).
        client.resource(failed).delete();
        await().atMost(WAIT).until(() -> jobs(ns).stream().noneMatch(j -> j.getMetadata().getUid().equals(failed.getMetadata().getUid())));
        // A reconcile the Job's deletion did not cause: an unrelated annotation, as a periodic resync would.
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"1\"}}}");
        await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> assertThat(jobs(ns)).as("no new build of the failed key").isEmpty());
        Condition after = condition(get(ns, "greeter"), "BuildSucceeded").orElseThrow();
        assertThat(after.status).isEqualTo(Condition.FALSE);
        assertThat(after.reason).isEqualTo(before.reason);
        assertThat(after.message).isEqualTo(before.message);
        assertThat(condition(get(ns, "greeter"), "Ready")).map(c -> c.status).contains(Condition.FALSE);

        // Asking for a rebuild builds the same inputs again, in a Job of its own; the same value asks once.
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + Labels.REBUILD + "\":\"1\"}}}");
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        Job retry = jobs(ns).get(0);
        assertThat(retry.getMetadata().getName()).isNotEqualTo(failed.getMetadata().getName());
        assertThat(retry.getMetadata().getLabels()).containsEntry(Labels.COMMIT, failed.getMetadata().getLabels().get(Labels.COMMIT));
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> "Building".equals(c.reason)).orElse(false));
        completeBuild(retry, DIGEST);
        await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() != null);
        assertThat(jobs(ns)).hasSize(1);
    }

    void rebuild(String ns, String value) {
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + Labels.REBUILD + "\":\"" + value + "\"}}}");
    }

    /** @return two kiln.dev/rebuild values whose SHA-256 begin with the same {@code chars} hex characters */
    static String[] rebuildValuesWhoseHashesBeginAlike(int chars) {
        Map<String, String> byPrefix = new java.util.HashMap<>();
        for (int i = 0; ; i++) {
            String value = "r" + i;
            String earlier = byPrefix.putIfAbsent(dev.kiln.contract.Names.hash(value).substring(0, chars), value);
            if (earlier != null) {
                return new String[] {earlier, value};
            }
        }
    }

    /** Attacker review: a Job name held 6 characters of the value's hash, so a new value could name an old request's Job. */
    @Test
    void aNewRebuildValueWhoseHashBeginsAsAnEarlierOnesIsANewBuild() {
        String ns = "rebuild-alike";
        Job failed = failedBuild(ns);
        String[] values = rebuildValuesWhoseHashesBeginAlike(6);
        rebuild(ns, values[0]);
        await().atMost(WAIT).until(() -> jobs(ns).size() == 2);
        Job firstRebuild = jobs(ns).stream().filter(j -> !j.getMetadata().getName().equals(failed.getMetadata().getName())).findFirst().orElseThrow();
        assertThat(firstRebuild.getMetadata().getAnnotations()).containsEntry(Labels.REBUILD_SHA256, dev.kiln.contract.Names.hash(values[0]));
        cluster.jobs().fail(firstRebuild, Jobs.KANIKO, "error building image: broken again");
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> c.message.contains("broken again")).orElse(false));

        rebuild(ns, values[1]);
        await().atMost(WAIT).until(() -> jobs(ns).size() == 3);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> "Building".equals(c.reason)).orElse(false));
        assertThat(get(ns, "greeter").getStatus().build.rebuild).isEqualTo(values[1]);
    }

    /** A Job of the build's name that ran another request (here another kiln.dev/rebuild value) is reported, never adopted. */
    @Test
    void aJobOfTheBuildsNameThatRanAnotherRequestIsNotAdopted() {
        String ns = "rebuild-taken";
        Job failed = failedBuild(ns);
        Function f = get(ns, "greeter");
        String key = failed.getMetadata().getAnnotations().get(Labels.BUILD_KEY);
        String name = Jobs.name(new dev.kiln.builder.resources.KanikoBuild("greeter", ns, f.getMetadata().getUid(), "unused", "unused", "", null,
                dev.kiln.builder.plan.Strategy.MAVEN, null, "unused", null, key, 60, "v2"));
        client.resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder(failed).editMetadata().withName(name).withUid(null)
                .withResourceVersion(null).withCreationTimestamp(null).addToAnnotations(Labels.REBUILD_SHA256, dev.kiln.contract.Names.hash("other"))
                .endMetadata().build()).create();

        rebuild(ns, "v2");
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded")
                .map(c -> FunctionLifecycle.REASON_JOB_NAME_TAKEN.equals(c.reason)).orElse(false));
        assertThat(condition(get(ns, "greeter"), "BuildSucceeded").orElseThrow().message).contains("Job " + name + " exists and is not this build's")
                .contains("set kiln.dev/rebuild to another value");
        assertThat(jobs(ns)).hasSize(2);
    }

    @Test
    void aMissingSecretAndAMissingRevisionAreSourceErrors() {
        String ns = "sources";
        Function secret = function(ns, "private");
        secret.getSpec().source.git.secretRef = new LocalObjectReference("nope");
        client.resource(secret).create();
        Function revision = function(ns, "nobranch");
        revision.getSpec().source.git.revision = "does-not-exist";
        client.resource(revision).create();
        await().atMost(WAIT).until(() -> condition(get(ns, "private"), "SourceResolved").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
        Condition noSecret = condition(get(ns, "private"), "SourceResolved").orElseThrow();
        assertThat(noSecret.reason).isEqualTo("InvalidSource");
        assertThat(noSecret.message).contains("secret nope (spec.source.git.secretRef) does not exist in namespace sources");
        await().atMost(WAIT).until(() -> condition(get(ns, "nobranch"), "SourceResolved").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
        assertThat(condition(get(ns, "nobranch"), "SourceResolved").orElseThrow().reason).isEqualTo("RevisionNotFound");
        assertThat(jobs(ns)).isEmpty();
    }

    @Test
    void aSpecChangeMidBuildBuildsTheNewKeyAndNeverDeploysTheStaleDigest() {
        String ns = "midbuild";
        client.resource(function(ns, "greeter")).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        Job stale = jobs(ns).get(0);
        // A user's change: a merge patch without a resourceVersion, as kubectl sends one.
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"build\":{\"image\":\"registry.example.com/kiln/midbuild/greeter/v2\"}}}");
        await().atMost(WAIT).until(() -> jobs(ns).size() == 2);
        completeBuild(stale, "sha256:" + "cd".repeat(32));
        Job fresh = jobs(ns).stream().filter(j -> !j.getMetadata().getName().equals(stale.getMetadata().getName())).findFirst().orElseThrow();
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() == null);
        completeBuild(fresh, DIGEST);
        await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() != null);
        assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/kiln/midbuild/greeter/v2@" + DIGEST);
        await().atMost(WAIT).until(() -> get(ns, "greeter").getStatus().observedGeneration == 2L);
    }

    @Test
    void aDeletedJobIsRecreatedAndAnExistingOneIsAdopted() {
        String ns = "adopt";
        client.resource(function(ns, "greeter")).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        Job job = jobs(ns).get(0);
        client.resource(job).delete();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1 && !job.getMetadata().getUid().equals(jobs(ns).get(0).getMetadata().getUid()));
        // A controller that restarts mid-build (a new operator, a new reconciler with empty caches) adopts the Job
        // the one before started, since the Job's name comes from the build key: no second build.
        Job running = jobs(ns).get(0);
        cluster.start(List.of(reconciler(gitBase.resolve("git-cache-after-restart"))));
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + Labels.REFRESH + "\":\"again\"}}}");
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> jobs(ns).size() == 1
                && running.getMetadata().getUid().equals(jobs(ns).get(0).getMetadata().getUid()));
        completeBuild(running, DIGEST);
        await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() != null);
    }

    @Test
    void aPushToTheTrackedBranchRollsANewRevisionAndAPushToAnotherBranchDoesNothing() throws Exception {
        String ns = "push";
        try (GitHttpServer.Repo pushed = git.new Repo("public/pushed.git")) {
            RevCommit v1 = pushed.commitTree("the greeter", GREETER, "greeter");
            Function f = function(ns, "greeter");
            f.getSpec().source.git.url = git.url("public/pushed.git");
            client.resource(f).create();
            await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
            completeBuild(jobs(ns).get(0), DIGEST);
            await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() != null);

            // As the controller runs it: from the reconciler's informer cache, as the controller's ServiceAccount.
            PushRouter router = new PushRouter(cluster.controllerClient(), BY_REPOSITORY);
            cluster.clearRecords();
            String cloneUrl = git.url("public/pushed.git").replace("http://", "http://someone@");
            assertThat(router.route(new Push(java.util.Set.of(RepositoryUrls.normalize(cloneUrl)), "refs/heads/develop", "1".repeat(40), false)))
                    .as("a branch no Function tracks").isEmpty();
            assertThat(router.route(new Push(java.util.Set.of("github.com/someone/else"), "refs/heads/main", "1".repeat(40), false)))
                    .as("another repository").isEmpty();

            RevCommit v2 = pushed.commit("a new greeting", "greeter/NOTES.md", "v2");
            assertThat(router.route(new Push(java.util.Set.of(RepositoryUrls.normalize(cloneUrl)), "refs/heads/main", v2.name(), false)))
                    .containsExactly(ns + "/greeter");
            assertThat(cluster.requests()).as("the push's annotation").anyMatch(q -> "patch".equals(q.verb()) && "functions".equals(q.resource())
                    && q.subresource() == null && ns.equals(q.namespace()));
            assertThat(cluster.requests()).as("Functions listed from the API server for a push (review 2, finding 11)")
                    .noneMatch(q -> "list".equals(q.verb()) && "functions".equals(q.resource()));
            await().atMost(WAIT).until(() -> jobs(ns).size() == 2);
            Job rebuild = jobs(ns).stream().filter(j -> v2.name().equals(j.getMetadata().getLabels().get(Labels.COMMIT))).findFirst().orElseThrow();
            assertThat(get(ns, "greeter").getMetadata().getAnnotations()).containsEntry(Labels.REFRESH, v2.name());
            String digest2 = "sha256:" + "ef".repeat(32);
            completeBuild(rebuild, digest2);
            await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get().getSpec().getTemplate()
                    .getSpec().getContainers().get(0).getImage().endsWith(digest2));
            assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get().getSpec().getTemplate().getMetadata()
                    .getAnnotations()).containsEntry("kiln.dev/commit", v2.name());
            await().atMost(WAIT).until(() -> v2.name().equals(get(ns, "greeter").getStatus().commit));
            assertThat(v1.name()).isNotEqualTo(v2.name());
            // The same push delivered again changes nothing.
            router.route(new Push(java.util.Set.of(RepositoryUrls.normalize(cloneUrl)), "refs/heads/main", v2.name(), false));
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> jobs(ns).size() == 2);
        }
    }

    /** Creates a Function on its own repository and brings it to Ready on its first build; returns the repository. */
    GitHttpServer.Repo readyOnItsOwnRepository(String ns, String repoName) throws Exception {
        GitHttpServer.Repo r = git.new Repo("public/" + repoName + ".git");
        r.commitTree("the greeter", GREETER, "greeter");
        Function f = function(ns, "greeter");
        f.getSpec().source.git.url = git.url("public/" + repoName + ".git");
        client.resource(f).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        completeBuild(jobs(ns).get(0), DIGEST);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.TRUE.equals(c.status)).orElse(false));
        return r;
    }

    /** Asks for a reconcile the way kubectl annotate does, and returns once the controller has read the push. */
    void push(String ns, RevCommit commit) {
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + Labels.REFRESH + "\":\"" + commit.name() + "\"}}}");
        await().atMost(WAIT).until(() -> commit.name().equals(get(ns, "greeter").getStatus().commit));
    }

    Job jobFor(String ns, RevCommit commit) {
        return jobs(ns).stream().filter(j -> commit.name().equals(j.getMetadata().getLabels().get(Labels.COMMIT))).findFirst().orElse(null);
    }

    @Test
    void aFunctionIsNotReadyUntilKnativeHasRolledOutTheNewRevision() throws Exception {
        String ns = "rollout";
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, "rollout")) {
            String image2 = "registry.example.com/kiln/" + ns + "/greeter@sha256:" + "ef".repeat(32);
            cluster.serving().hold(image2);
            // Every status the Function is given, in order, while Knative has not rolled out the new revision.
            List<Function> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (var watch = client.resources(Function.class).inNamespace(ns).withName("greeter").watch(new io.fabric8.kubernetes.client.Watcher<>() {
                @Override
                public void eventReceived(Action action, Function f) {
                    seen.add(f);
                }

                @Override
                public void onClose(io.fabric8.kubernetes.client.WatcherException e) {
                }
            })) {
                RevCommit v2 = r.commit("a new greeting", "greeter/NOTES.md", "v2");
                push(ns, v2);
                await().atMost(WAIT).until(() -> jobFor(ns, v2) != null);
                completeBuild(jobFor(ns, v2), "sha256:" + "ef".repeat(32));
                await().atMost(WAIT).until(() -> cluster.serving().revisions(ns, "greeter").size() == 2);
                await().atMost(WAIT).until(() -> image2.equals(get(ns, "greeter").getStatus().image));
                await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready")
                        .map(c -> Condition.UNKNOWN.equals(c.status)).orElse(false));
                assertThat(seen.stream().map(f -> f.getStatus().image + " Ready=" + condition(f, "Ready").map(c -> c.status + " " + c.message).orElse("-")))
                        .as("a status that says Ready while greeter-00002 is not").noneMatch(s -> s.startsWith(image2 + " Ready=True"));
            }
            assertThat(condition(get(ns, "greeter"), "Ready").orElseThrow().message).contains("greeter-00002");
            cluster.serving().release(image2);
            await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.TRUE.equals(c.status)).orElse(false));
        }
    }

    @Test
    void aRevisionThatCannotPullItsImageFailsTheFunctionWithKnativesReason() throws Exception {
        String ns = "pullfails";
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, "pullfails")) {
            String image2 = "registry.example.com/kiln/" + ns + "/greeter@sha256:" + "0f".repeat(32);
            cluster.serving().failPulls(image2);
            RevCommit v2 = r.commit("a new greeting", "greeter/NOTES.md", "v2");
            push(ns, v2);
            await().atMost(WAIT).until(() -> jobFor(ns, v2) != null);
            completeBuild(jobFor(ns, v2), "sha256:" + "0f".repeat(32));
            await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
            Condition ready = condition(get(ns, "greeter"), "Ready").orElseThrow();
            assertThat(ready.reason).isEqualTo("RevisionFailed");
            assertThat(ready.message).contains("Revision \"greeter-00002\" failed with message: Back-off pulling image \"" + image2 + "\"");
        }
    }

    @Test
    void knativesDefaultsDoNotMakeTheControllerRewriteTheService() throws Exception {
        String ns = "defaults";
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, "defaults")) {
            Service defaulted = client.resources(Service.class).inNamespace(ns).withName("greeter").get();
            assertThat(defaulted.getSpec().getTemplate().getSpec().getEnableServiceLinks()).as("enableServiceLinks, which the webhook sets on create only: the Service was not rewritten").isFalse();
            cluster.clearRecords();
            for (int i = 0; i < 3; i++) {
                // kubectl annotate: a reconcile, nothing to change.
                client.resources(Function.class).inNamespace(ns).withName("greeter")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"touched\":\"" + i + "\"}}}");
            }
            await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> true);
            assertThat(cluster.requests()).as("writes to the Knative Service").noneMatch(q -> "services".equals(q.resource())
                    && "serving.knative.dev".equals(q.group()) && !q.verb().equals("get") && !q.verb().equals("list") && !q.verb().equals("watch"));
            assertThat(cluster.serving().revisions(ns, "greeter")).containsExactly("greeter-00001");
            assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get().getMetadata().getGeneration()).isEqualTo(1L);
        }
    }

    @Test
    void aFunctionDeletedWhileTheControllerIsGoneGoesWithEverythingItOwned() throws Exception {
        String ns = "orphaned";
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, "orphaned")) {
            assertThat(get(ns, "greeter").getMetadata().getFinalizers()).as("finalizers").isEmpty();
            cluster.stopOperator();
            try {
                client.resources(Function.class).inNamespace(ns).withName("greeter").delete();
                await().atMost(WAIT).until(() -> get(ns, "greeter") == null);
                await().atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).list().getItems().isEmpty() && jobs(ns).isEmpty()
                        && client.pods().inNamespace(ns).list().getItems().isEmpty());
            } finally {
                cluster.start(List.of(reconciler(gitBase.resolve("git-cache-" + ns))));
            }
        }
    }

    @Test
    void aNamespaceDeletedWhileTheControllerIsGoneEmpties() throws Exception {
        String ns = "namespace-gone";
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, "namespace-gone")) {
            cluster.stopOperator();
            try {
                cluster.deleteNamespace(ns);
                await().atMost(WAIT).until(() -> cluster.objectsIn(ns).isEmpty());
            } finally {
                cluster.start(List.of(reconciler(gitBase.resolve("git-cache-" + ns))));
            }
        }
    }

    @Test
    void aPushThatDoesNotTouchAFunctionsBuildInputsDoesNotRebuildIt() throws Exception {
        String ns = "monorepo";
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, "monorepo")) {
            Service before = client.resources(Service.class).inNamespace(ns).withName("greeter").get();
            RevCommit elsewhere = r.commit("another function's change", "logger/README.md", "not the greeter");
            push(ns, elsewhere);
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> jobs(ns).size() == 1);
            assertThat(get(ns, "greeter").getStatus().build.commit).as("the image's commit").isNotEqualTo(elsewhere.name());
            assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get().getMetadata().getGeneration())
                    .isEqualTo(before.getMetadata().getGeneration());
            assertThat(condition(get(ns, "greeter"), "Ready")).map(c -> c.status).contains(Condition.TRUE);

            RevCommit inside = r.commit("the greeter's change", "greeter/src/main/resources/greeting.txt", "hi");
            push(ns, inside);
            await().atMost(WAIT).until(() -> jobFor(ns, inside) != null);
        }
    }

    /** Builds the Function and completes its build; returns once its Ready condition is no longer Unknown. */
    Condition readyOnceBuilt(Function f) {
        String ns = f.getMetadata().getNamespace();
        client.resource(f).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        completeBuild(jobs(ns).get(0), DIGEST);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "ServiceReady").map(c -> !Condition.UNKNOWN.equals(c.status)).orElse(false));
        return condition(get(ns, "greeter"), "Ready").orElseThrow();
    }

    static io.fabric8.kubernetes.api.model.Secret pushSecret(String ns, String name, String type, String key) {
        String config = "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + java.util.Base64.getEncoder().encodeToString("kiln:s3cret".getBytes())
                + "\"}}}";
        return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withType(type)
                .addToData(key, java.util.Base64.getEncoder().encodeToString(config.getBytes())).build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "waiting for the push Secret, no poll      | PushSecretNotFound | -1  | 60",
        "waiting for the push Secret, a long poll  | PushSecretInvalid  | 300 | 60",
        "waiting for the push Secret, a short poll | PushSecretNotFound | 30  | 30",
        "a failed build, no poll                   | BuildFailed        | -1  | -1",
        "a failed build, a poll                    | BuildFailed        | 300 | 300",
        "building, no poll                         |                    | -1  | -1",
        "a Knative Service Kiln does not own       | NotOwned           | -1  | 60",
    })
    void whatIsNotWatchedIsLookedAtAgainWithinAMinute(String name, String reason, long pollSeconds, long expectedSeconds) {
        var life = dev.kiln.api.functions.v1alpha1.FunctionLifecycle.of(new dev.kiln.api.functions.v1alpha1.FunctionStatus(), java.time.Clock.systemUTC());
        if ("NotOwned".equals(reason)) {
            life.markServiceNotOwned("greeter");
        } else if (reason != null) {
            life.markBuildFailed(reason, "why");
        }
        assertThat(FunctionReconciler.lookAgainAfter(life, pollSeconds < 0 ? null : Duration.ofSeconds(pollSeconds)))
                .isEqualTo(expectedSeconds < 0 ? null : Duration.ofSeconds(expectedSeconds));
    }

    /**
     * A push Secret the build cannot use is reported before any Job is made: without the check, the Job's Pod waited in
     * {@code ContainerCreating} (FailedMount) until {@code BuildTimedOut}, or, for an Opaque Secret, built an image the
     * kubelet could not pull with it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no Secret                                 | push-secret-none      |                                |                   | PushSecretNotFound | does not exist in namespace push-secret-none",
        "a kubernetes.io/dockercfg Secret          | push-secret-dockercfg | kubernetes.io/dockercfg        | .dockercfg        | PushSecretInvalid  | is of type kubernetes.io/dockercfg",
        "an Opaque Secret with config.json         | push-secret-opaque    | Opaque                         | config.json       | PushSecretInvalid  | is of type Opaque",
        "an Opaque Secret with .dockerconfigjson   | push-secret-opaque2   | Opaque                         | .dockerconfigjson | PushSecretInvalid  | is of type Opaque",
    })
    void aPushSecretTheBuildCannotUseFailsTheBuildBeforeAnyJobAndIsCheckedAgain(String name, String ns, String type, String key, String reason,
            String message) {
        if (type != null) {
            client.resource(pushSecret(ns, "registry-push", type, key)).create();
        }
        Function f = function(ns, "greeter");
        f.getSpec().build = new dev.kiln.api.functions.v1alpha1.BuildSpec();
        f.getSpec().build.pushSecretRef = new LocalObjectReference("registry-push");
        client.resource(f).create();

        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
        Condition failed = condition(get(ns, "greeter"), "BuildSucceeded").orElseThrow();
        assertThat(failed.reason).isEqualTo(reason);
        assertThat(failed.message).startsWith("secret registry-push (spec.build.pushSecretRef)").contains(message)
                .contains("it must be a Secret of type kubernetes.io/dockerconfigjson with the registry's credentials under .dockerconfigjson");
        assertThat(condition(get(ns, "greeter"), "Ready")).map(c -> c.reason).contains(reason);
        assertThat(jobs(ns)).isEmpty();
        assertThat(FunctionReconciler.lookAgainAfter(dev.kiln.api.functions.v1alpha1.FunctionLifecycle.of(get(ns, "greeter").getStatus(),
                java.time.Clock.systemUTC()), null)).as("looked at again within a minute: the Secret is not watched").isEqualTo(FunctionReconciler.SOURCE_RETRY);

        // Fixed: the next reconcile (the retry, or any event; here an annotation) builds.
        if (type != null) {
            client.resource(client.secrets().inNamespace(ns).withName("registry-push").get()).delete();
            await().atMost(WAIT).until(() -> client.secrets().inNamespace(ns).withName("registry-push").get() == null);
        }
        client.resource(pushSecret(ns, "registry-push", "kubernetes.io/dockerconfigjson", ".dockerconfigjson")).create();
        client.resources(Function.class).inNamespace(ns).withName("greeter")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"1\"}}}");
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> "Building".equals(c.reason)).orElse(false));
        assertThat(FunctionReconciler.lookAgainAfter(dev.kiln.api.functions.v1alpha1.FunctionLifecycle.of(get(ns, "greeter").getStatus(),
                java.time.Clock.systemUTC()), null)).as("no early retry once building").isNull();
    }

    @Test
    void anImageInAPrivateRegistryIsPulledWithTheSecretItWasPushedWith() {
        String ns = "private-registry";
        cluster.serving().privateRegistry("registry.example.com/kiln/" + ns, "registry-credentials");
        client.resource(pushSecret(ns, "registry-credentials", "kubernetes.io/dockerconfigjson", ".dockerconfigjson")).create();
        Function f = function(ns, "greeter");
        f.getSpec().build = new dev.kiln.api.functions.v1alpha1.BuildSpec();
        f.getSpec().build.pushSecretRef = new LocalObjectReference("registry-credentials");
        Condition ready = readyOnceBuilt(f);
        assertThat(ready.status).as(ready.reason + ": " + ready.message).isEqualTo(Condition.TRUE);
    }

    @Test
    void aMavenFunctionRunsInANamespaceThatEnforcesPodSecurityRestricted() {
        String ns = "restricted";
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels(dev.kiln.controller.cluster.PodSecurity.ENFORCE, "restricted").endMetadata().build()).create();
        Condition ready = readyOnceBuilt(function(ns, "greeter"));
        assertThat(ready.status).as(ready.reason + ": " + ready.message).isEqualTo(Condition.TRUE);
    }

    /**
     * Review operator-2, finding 4: a Knative Service of the Function's name that the Function does not control is
     * neither updated nor adopted (its image, owners and labels stay), the Function says so and is not Ready, and
     * deleting the Function leaves that Service to its owner. Once it is gone, the Function's own is created.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a team's own Service (no owner): the Function recovers once it is deleted                    | not-owned-team    | false | false",
        "a team's own Service (no owner): deleting the Function leaves it                             | not-owned-kept    | false | true",
        "a deleted Function's of the same name: the Function recovers once the garbage collector removed it | not-owned-stale | true  | false",
    })
    void aKnativeServiceOfItsNameThatTheFunctionDoesNotControlIsLeftAsItIsAndReported(String name, String ns, boolean staleKilnService,
            boolean deleteTheFunction) throws Exception {
        Map<String, String> labels = staleKilnService ? Labels.managed(null) : new java.util.HashMap<>(Map.of("team", "web"));
        var meta = new ObjectMetaBuilder().withName("greeter").withNamespace(ns).withLabels(labels);
        if (staleKilnService) {
            // In Kiln's informer (Kiln's labels), mapped to the new Function by its owner's kind and name, not its UID.
            labels.put(Labels.FUNCTION, "greeter");
            meta.withOwnerReferences(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withApiVersion("kiln.dev/v1alpha1").withKind("Function")
                    .withName("greeter").withUid(java.util.UUID.randomUUID().toString()).withController(true).withBlockOwnerDeletion(true).build());
        }
        Service theirs = client.resource(new io.fabric8.knative.serving.v1.ServiceBuilder().withMetadata(meta.build())
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withImage("ghcr.io/team/greeter:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        client.resource(function(ns, "greeter")).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        completeBuild(jobs(ns).get(0), DIGEST);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "BuildSucceeded").map(c -> Condition.TRUE.equals(c.status)).orElse(false)
                && condition(get(ns, "greeter"), "ServiceReady").map(c -> FunctionLifecycle.REASON_NOT_OWNED.equals(c.reason)).orElse(false));
        Function reported = get(ns, "greeter");
        assertThat(condition(reported, "ServiceReady").orElseThrow().message).isEqualTo("There is an existing Knative Service \"greeter\" that this"
                + " Function does not own: Kiln leaves it as it is. Delete it, or give the Function another name");
        assertThat(condition(reported, "Ready")).map(c -> c.status + "/" + c.reason).contains(Condition.FALSE + "/NotOwned");
        assertThat(reported.getStatus().url).as("the other Service's URL is not the Function's").isNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(warnings(ns, "greeter")).singleElement()
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(FunctionLifecycle.REASON_NOT_OWNED)));
        assertThat(cluster.requests()).as("writes to the Service Kiln does not own").noneMatch(q -> ns.equals(q.namespace())
                && "services".equals(q.resource()) && "serving.knative.dev".equals(q.group()) && !List.of("get", "list", "watch").contains(q.verb()));
        Service after = client.resources(Service.class).inNamespace(ns).withName("greeter").get();
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("ghcr.io/team/greeter:1");
        assertThat(after.getMetadata().getOwnerReferences()).isEqualTo(theirs.getMetadata().getOwnerReferences());
        assertThat(after.getMetadata().getLabels()).isEqualTo(theirs.getMetadata().getLabels());
        assertThat(after.getMetadata().getGeneration()).isEqualTo(theirs.getMetadata().getGeneration());

        if (deleteTheFunction) {
            client.resources(Function.class).inNamespace(ns).withName("greeter").delete();
            await().atMost(WAIT).until(() -> get(ns, "greeter") == null && jobs(ns).isEmpty());
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> client.resources(Service.class).inNamespace(ns).withName("greeter").get() != null);
            return;
        }
        client.resources(Service.class).inNamespace(ns).withName("greeter").delete();
        if (!staleKilnService) {
            // Not in Kiln's informer, so its deletion brings no event: what NOT_OWNED_RETRY's reschedule does, now.
            client.resources(Function.class).inNamespace(ns).withName("greeter")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"nudge\":\"1\"}}}");
        }
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> Condition.TRUE.equals(c.status)).orElse(false));
        assertThat(client.resources(Service.class).inNamespace(ns).withName("greeter").get().getMetadata().getOwnerReferences())
                .singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(get(ns, "greeter").getMetadata().getUid()));
    }

    static Stream<Arguments> whatOthersSetOnTheKnativeServiceSurvivesARollout() {
        return Stream.of(
                // How a Knative Service is made private: its route gets no public domain (review of 16).
                change("a label on the Service (networking.knative.dev/visibility: cluster-local)", "cluster-local",
                        s -> s.getMetadata().getLabels().put("networking.knative.dev/visibility", "cluster-local"),
                        s -> assertThat(s.getMetadata().getLabels()).containsEntry("networking.knative.dev/visibility", "cluster-local")
                                .containsEntry(Labels.FUNCTION, "greeter")),
                change("an annotation on the revision template (an operator's autoscaling class)", "others-template-annotation",
                        s -> s.getSpec().getTemplate().getMetadata().getAnnotations().put("autoscaling.knative.dev/class", "hpa.autoscaling.knative.dev"),
                        s -> assertThat(s.getSpec().getTemplate().getMetadata().getAnnotations())
                                .containsEntry("autoscaling.knative.dev/class", "hpa.autoscaling.knative.dev")),
                change("a label on the revision template", "others-template-label",
                        s -> s.getSpec().getTemplate().getMetadata().getLabels().put("cost-center", "42"),
                        s -> assertThat(s.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("cost-center", "42")
                                .containsEntry(Labels.FUNCTION, "greeter")),
                change("a traffic tag on the first revision (kn service update --tag greeter-00001=stable)", "others-traffic",
                        s -> s.getSpec().setTraffic(List.of(new TrafficTargetBuilder().withLatestRevision(true).withPercent(100L).build(),
                                new TrafficTargetBuilder().withRevisionName("greeter-00001").withTag("stable").withPercent(0L).build())),
                        s -> assertThat(s.getSpec().getTraffic()).anySatisfy(t -> {
                            assertThat(t.getTag()).isEqualTo("stable");
                            assertThat(t.getRevisionName()).isEqualTo("greeter-00001");
                        })),
                change("Kiln's own template label set to another value: Kiln's wins", "others-kilns-key",
                        s -> s.getSpec().getTemplate().getMetadata().getLabels().put(Labels.FUNCTION, "someone-else"),
                        s -> assertThat(s.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Labels.FUNCTION, "greeter")),
                // Kiln writes no autoscaling annotation the Function does not set (operator review 2, finding 2).
                change("an operator's min-scale on a Function that sets none", "others-min-scale",
                        s -> s.getSpec().getTemplate().getMetadata().getAnnotations().put(KnativeServices.MIN_SCALE, "3"),
                        s -> assertThat(s.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(KnativeServices.MIN_SCALE, "3")));
    }

    static Arguments change(String name, String ns, java.util.function.Consumer<Service> change, java.util.function.Consumer<Service> survives) {
        return Arguments.of(Named.of(name, ns), change, survives);
    }

    /**
     * Review operator-2, finding 5: labels and annotations others set on the revision template, and the route's
     * traffic, stay when a push rolls a new revision ({@code OwnedMetadata}); Kiln's own keys keep Kiln's values.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void whatOthersSetOnTheKnativeServiceSurvivesARollout(String ns, java.util.function.Consumer<Service> change,
            java.util.function.Consumer<Service> survives) throws Exception {
        try (GitHttpServer.Repo r = readyOnItsOwnRepository(ns, ns)) {
            // An update, as kubectl edit sends (the test cluster models Knative's webhook on creates and updates).
            Service edited = client.resources(Service.class).inNamespace(ns).withName("greeter").get();
            change.accept(edited);
            client.resource(edited).update();
            String image2 = "registry.example.com/kiln/" + ns + "/greeter@sha256:" + "cd".repeat(32);
            RevCommit v2 = r.commit("a new greeting", "greeter/NOTES.md", "v2");
            push(ns, v2);
            await().atMost(WAIT).until(() -> jobFor(ns, v2) != null);
            completeBuild(jobFor(ns, v2), "sha256:" + "cd".repeat(32));
            await().atMost(WAIT).until(() -> image2.equals(client.resources(Service.class).inNamespace(ns).withName("greeter").get()
                    .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
            Service rolled = client.resources(Service.class).inNamespace(ns).withName("greeter").get();
            survives.accept(rolled);
            assertThat(rolled.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(Labels.COMMIT, v2.name());
        }
    }

    @Test
    void aBuildWhosePodANodeDrainEvictedGoesOnInAnotherPod() {
        String ns = "drained";
        client.resource(function(ns, "greeter")).create();
        await().atMost(WAIT).until(() -> jobs(ns).size() == 1);
        Job job = jobs(ns).get(0);
        cluster.jobs().evict(job);
        await().atMost(WAIT).until(() -> client.pods().inNamespace(ns).list().getItems().size() == 2);
        completeBuild(job, DIGEST);
        await().atMost(WAIT).until(() -> condition(get(ns, "greeter"), "Ready").map(c -> !Condition.UNKNOWN.equals(c.status)).orElse(false));
        Condition ready = condition(get(ns, "greeter"), "Ready").orElseThrow();
        assertThat(ready.status).as(ready.reason + ": " + ready.message).isEqualTo(Condition.TRUE);
        assertThat(jobs(ns)).as("the same Job, not a new build").hasSize(1);
    }

    /**
     * Tenants (issue 20): a Function may not read the controller's own files (its Git cache holds every namespace's
     * repositories) nor reach internal addresses over plain http unless the operator allowed http, and may not push into
     * another Function's repository or Kaniko cache with the installation's push secret. Each is refused before anything
     * is fetched or built, with the field's path.
     */
    @Test
    void aFunctionCannotNameTheControllersFilesNorAnotherFunctionsImage() {
        String ns = "tenant-refused";
        Function files = function(ns, "files");
        files.getSpec().source.git.url = "file://" + gitBase.resolve("public/functions.git");
        client.resource(files).create();
        Function pusher = function(ns, "pusher");
        pusher.getSpec().build = new dev.kiln.api.functions.v1alpha1.BuildSpec();
        pusher.getSpec().build.image = "registry.example.com/kiln/lifecycle/greeter";
        client.resource(pusher).create();
        Function cache = function(ns, "poisoner");
        cache.getSpec().build = new dev.kiln.api.functions.v1alpha1.BuildSpec();
        cache.getSpec().build.image = "registry.example.com/kiln/lifecycle/greeter/cache";
        client.resource(cache).create();

        for (String name : List.of("files", "pusher", "poisoner")) {
            await().atMost(WAIT).until(() -> condition(get(ns, name), "Ready").map(c -> "InvalidSpec".equals(c.reason)).orElse(false));
        }
        assertThat(condition(get(ns, "files"), "Ready").orElseThrow().message).isEqualTo("spec.source.git.url: file URLs are not allowed here:"
                + " must be an https, ssh or http URL, or user@host:path (KILN_GIT_SCHEMES in kiln-config allows more)");
        for (String name : List.of("pusher", "poisoner")) {
            assertThat(condition(get(ns, name), "Ready").orElseThrow().message).isEqualTo("spec.build.image: must be registry.example.com/kiln/"
                    + ns + "/" + name + " or a repository below it: every Function pushes under its own path of the installation's registry"
                    + " registry.example.com/kiln");
        }
        assertThat(jobs(ns)).isEmpty();
        assertThat(condition(get(ns, "files"), "SourceResolved")).as("nothing fetched").map(c -> c.status).isNotEqualTo(Optional.of(Condition.TRUE));
    }

    /**
     * Tenants (issue 20): the controller's Git cache serves every namespace. A commit one namespace fetched from its
     * private repository is in the cache; another namespace that names the same URL and that commit's SHA, with no
     * credentials or credentials the server refuses, gets an authentication failure and no build, though the
     * commit's objects (and how to build them) are already on the controller's disk.
     */
    @Test
    void aPrivateCommitAnotherNamespaceCachedIsNotServedToCredentialsThatCannotReadIt() throws Exception {
        try (GitHttpServer.Repo secret = git.new Repo("private/tenant-owner.git")) {
            RevCommit commit = secret.commitTree("the private greeter", GREETER, "greeter");
            String owner = "tenant-owner";
            client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("git").withNamespace(owner).endMetadata()
                    .addToStringData("username", GitHttpServer.USER).addToStringData("password", GitHttpServer.PASSWORD).build()).create();
            Function own = function(owner, "greeter");
            own.getSpec().source.git.url = git.url("private/tenant-owner.git");
            own.getSpec().source.git.secretRef = new LocalObjectReference("git");
            client.resource(own).create();
            await().atMost(WAIT).until(() -> jobs(owner).size() == 1);

            String thief = "tenant-thief";
            client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("git").withNamespace(thief).endMetadata()
                    .addToStringData("username", GitHttpServer.USER).addToStringData("password", "a guess").build()).create();
            Function none = function(thief, "anonymous");
            none.getSpec().source.git.url = git.url("private/tenant-owner.git");
            none.getSpec().source.git.revision = commit.name();
            client.resource(none).create();
            Function wrong = function(thief, "guesser");
            wrong.getSpec().source.git.url = git.url("private/tenant-owner.git");
            wrong.getSpec().source.git.revision = commit.name();
            wrong.getSpec().source.git.secretRef = new LocalObjectReference("git");
            client.resource(wrong).create();

            for (String name : List.of("anonymous", "guesser")) {
                await().atMost(WAIT).until(() -> condition(get(thief, name), "BuildSucceeded").map(c -> Condition.FALSE.equals(c.status)).orElse(false));
                assertThat(condition(get(thief, name), "BuildSucceeded").orElseThrow().reason).as(name).isEqualTo("AuthenticationFailed");
            }
            assertThat(jobs(thief)).isEmpty();
        }
    }
}
