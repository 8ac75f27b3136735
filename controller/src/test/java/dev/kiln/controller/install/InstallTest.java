package dev.kiln.controller.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.controller.MockCluster;
import dev.kiln.controller.cluster.ApiRequest;
import dev.kiln.controller.cluster.Rbac;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The install as {@code kubectl kustomize} renders it (skipped when kubectl is not on the PATH): every overlay
 * renders, the controller gets what it needs and nothing more, and the configuration covers every required setting.
 */
class InstallTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Map<String, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();

    static List<HasMetadata> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                Process p = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve(o).toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
                return java.util.Arrays.stream(out.split("(?m)^---$")).filter(doc -> !doc.isBlank())
                        .map(doc -> (HasMetadata) Serialization.unmarshal(doc)).toList();
            } catch (IOException e) {
                Assumptions.abort("kubectl is not on the PATH: " + e.getMessage());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    static <T extends HasMetadata> T one(String overlay, Class<T> type) {
        List<T> found = render(overlay).stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kustomize/base", "kustomize/overlays/dev", "kustomize/overlays/prod"})
    void rendersEverything(String overlay) {
        Map<String, Long> kinds = render(overlay).stream().collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
        assertThat(kinds).containsEntry("CustomResourceDefinition", 5L).containsEntry("Deployment", 1L).containsEntry("ClusterRole", 3L)
                .containsEntry("ConfigMap", 1L).containsEntry("Service", 1L).containsEntry("Role", 1L).containsEntry("Namespace", 1L)
                .containsEntry("NetworkPolicy", 1L);
        Deployment controller = one(overlay, Deployment.class);
        var container = controller.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getEnvFrom()).singleElement().satisfies(e -> assertThat(e.getConfigMapRef().getName())
                .isEqualTo(one(overlay, ConfigMap.class).getMetadata().getName()));
        assertThat(controller.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("kiln-controller");
    }

    /**
     * Operator review 2, finding 11: the controller's Pods (the push endpoint's Service's, and nothing else) admit only
     * Knative Eventing's dispatchers, on the port the Service sends to; the labels are those of the dispatchers' Pods in
     * knative/eventing's and eventing-kafka-broker's releases (see the file's header).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kustomize/base", "kustomize/overlays/dev", "kustomize/overlays/prod"})
    void thePushEndpointAdmitsOnlyKnativeEventingsDispatchers(String overlay) {
        NetworkPolicy policy = one(overlay, NetworkPolicy.class);
        Deployment controller = one(overlay, Deployment.class);
        Service service = one(overlay, Service.class);
        assertThat(policy.getMetadata().getNamespace()).isEqualTo(controller.getMetadata().getNamespace());
        assertThat(controller.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getPort()).isEqualTo(service.getSpec().getPorts().get(0).getTargetPort());
                assertThat(controller.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                        .anySatisfy(c -> assertThat(c.getName()).isEqualTo(p.getPort().getStrVal()));
            });
            assertThat(rule.getFrom()).map(peer -> peer.getNamespaceSelector().getMatchLabels() + " " + peer.getPodSelector().getMatchLabels())
                    .containsExactly("{kubernetes.io/metadata.name=knative-eventing} {eventing.knative.dev/brokerRole=filter}",
                            "{kubernetes.io/metadata.name=knative-eventing} {app=kafka-broker-dispatcher}");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kustomize/overlays/dev", "kustomize/overlays/prod"})
    void theOverlaysSetEverySettingTheControllerRequires(String overlay) {
        assertThat(one(overlay, ConfigMap.class).getData()).containsKeys("KILN_REGISTRY", "KILN_BUILD_EXECUTOR_IMAGE", "KILN_BUILD_BUILDER_IMAGE",
                "KILN_BUILD_MAVEN_IMAGE", "KILN_BUILD_RUNTIME_IMAGE", "KILN_SOURCES_ADAPTER_IMAGE", "KILN_GIT_CACHE");
    }

    /**
     * Kiln's images from a registry that wants credentials: the component gives the controller's own Pods the pull
     * Secret and sets {@code KILN_IMAGE_PULL_SECRET} to the same name, which the controller puts on the build Jobs and
     * adapters it makes (their goldens); without it, nothing names a pull Secret.
     */
    @Test
    void theImagePullSecretComponentReachesTheControllerAndItsConfiguration() throws IOException {
        java.nio.file.Path overlay = ROOT.resolve("controller/target/install-test/image-pull-secret");
        java.nio.file.Files.createDirectories(overlay);
        java.nio.file.Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                components:
                  - %s
                """.formatted(overlay.relativize(ROOT.resolve("kustomize/overlays/prod")), overlay.relativize(ROOT.resolve("kustomize/components/image-pull-secret"))));
        String with = ROOT.relativize(overlay).toString();
        Deployment controller = one(with, Deployment.class);
        assertThat(controller.getSpec().getTemplate().getSpec().getImagePullSecrets()).singleElement()
                .satisfies(r -> assertThat(r.getName()).isEqualTo(one(with, ConfigMap.class).getData().get("KILN_IMAGE_PULL_SECRET")).isEqualTo("kiln-images"));
        assertThat(controller.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom()).singleElement()
                .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo(one(with, ConfigMap.class).getMetadata().getName()));
        assertThat(one("kustomize/overlays/prod", Deployment.class).getSpec().getTemplate().getSpec().getImagePullSecrets()).isNullOrEmpty();
        assertThat(one("kustomize/overlays/prod", ConfigMap.class).getData()).doesNotContainKey("KILN_IMAGE_PULL_SECRET");
    }

    /**
     * A comment in the install that points at a file of this repository points at one that exists (a comment named an
     * example that was never there). {@code config/...} paths are left out: the comments also cite upstream
     * repositories' {@code config/} files.
     */
    @Test
    void everyRepositoryPathTheInstallsCommentsNameExists() throws IOException {
        java.util.regex.Pattern path = java.util.regex.Pattern.compile("\\b((?:examples|docs|hack|kustomize)/[\\w./-]*\\w)");
        List<String> missing = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(ROOT.resolve("config"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (String line : java.nio.file.Files.readAllLines(file)) {
                    int comment = line.indexOf('#');
                    if (comment < 0) {
                        continue;
                    }
                    java.util.regex.Matcher m = path.matcher(line.substring(comment));
                    while (m.find()) {
                        if (!java.nio.file.Files.exists(ROOT.resolve(m.group(1)))) {
                            missing.add(ROOT.relativize(file) + ": " + m.group(1));
                        }
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void prodRunsTwoReplicasBehindLeaderElection() {
        assertThat(one("kustomize/overlays/prod", Deployment.class).getSpec().getReplicas()).isEqualTo(2);
        assertThat(one("kustomize/overlays/dev", Deployment.class).getSpec().getReplicas()).isEqualTo(1);
    }

    /**
     * What the controller may do is not listed here: the reconciler tests run the controller as its ServiceAccount on
     * a test cluster that authorizes every request by {@code config/}'s RBAC ({@code dev.kiln.controller.cluster}).
     * This checks that the installs carry exactly those rules.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kustomize/base", "kustomize/overlays/dev", "kustomize/overlays/prod"})
    void theOverlaysInstallTheRbacTheTestsAuthorizeWith(String overlay) {
        List<String> rendered = render(overlay).stream().filter(o -> o.getKind().contains("Role")).map(InstallTest::rbacOnly).sorted().toList();
        List<String> config = Rbac.fromKustomization(ROOT.resolve("config")).stream().map(InstallTest::rbacOnly).sorted().toList();
        assertThat(rendered).isEqualTo(config);
    }

    /** The object without the labels the kustomizations add to everything. */
    static String rbacOnly(HasMetadata o) {
        HasMetadata copy = Serialization.clone(o);
        if (copy.getMetadata().getLabels() != null) {
            copy.getMetadata().getLabels().remove("kiln.dev/environment");
            copy.getMetadata().getLabels().remove("app.kubernetes.io/part-of");
            if (copy.getMetadata().getLabels().isEmpty()) {
                copy.getMetadata().setLabels(null);
            }
        }
        return Serialization.asYaml(copy);
    }

    @ParameterizedTest(name = "not {2} {0}/{1}")
    @CsvSource({
        "'', secrets, list", "'', secrets, watch", "batch, jobs, delete", "apps, deployments, delete", "kiln.dev, functions, delete",
        "'', pods, delete", "'', configmaps, get",
        // Verbs the code never uses (operator review 2, #9): a spec is never updated, a status is patched without a read,
        // pods are listed by their Job's label.
        "kiln.dev, functions, update", "kiln.dev, functions/status, update",
        "sources.kiln.dev, githubsources, update", "sources.kiln.dev, gitlabsources, update", "sources.kiln.dev, kafkasources, update",
        "sources.kiln.dev, cronsources, update", "sources.kiln.dev, githubsources/status, update", "sources.kiln.dev, githubsources/status, get",
        "sources.kiln.dev, cronsources/status, update", "sources.kiln.dev, cronsources/status, get", "'', pods, get",
        // Events are written, never read: a repeat is counted from what this process recorded (WarningEvents).
        "'', events, get", "'', events, list", "'', events, update", "'', events, delete",
    })
    void andNothingMore(String group, String resource, String verb) {
        // config/'s files, which the overlays install unchanged (theOverlaysInstallTheRbacTheTestsAuthorizeWith): this runs
        // without kubectl too.
        List<HasMetadata> install = Rbac.fromKustomization(ROOT.resolve("config"));
        assertThat(allows(install, group, resource, verb)).isFalse();
        assertThat(install.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .flatMap(c -> c.getRules().stream()).toList()).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("*");
            assertThat(r.getResources()).doesNotContain("*");
        });
    }

    static boolean allows(List<HasMetadata> install, String group, String resource, String verb) {
        String[] r = resource.split("/");
        ApiRequest request = new ApiRequest(MockCluster.CONTROLLER_USER, verb, group, r[0], r.length > 1 ? r[1] : null, "default",
                "list".equals(verb) || "watch".equals(verb) || "create".equals(verb) ? null : "x", "/");
        return new Rbac(install).allows(MockCluster.CONTROLLER_USER, request);
    }
}
