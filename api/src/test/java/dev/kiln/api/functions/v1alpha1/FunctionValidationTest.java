package dev.kiln.api.functions.v1alpha1;

import static dev.kiln.api.Fixtures.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kiln.api.validation.FieldError;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FunctionValidationTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("name with capitals", (Consumer<Function>) f -> f.getMetadata().setName("Greeter"),
                        "metadata.name", NAME),
                arguments("name too long", (Consumer<Function>) f -> f.getMetadata().setName("a".repeat(64)),
                        "metadata.name", NAME),
                arguments("name starting with a digit: Knative refuses the Service", (Consumer<Function>) f -> f.getMetadata().setName("2fa-checker"),
                        "metadata.name", NAME),
                arguments("no source", (Consumer<Function>) f -> f.getSpec().source = null,
                        "spec.source", "is required"),
                arguments("no git", (Consumer<Function>) f -> f.getSpec().source.git = null,
                        "spec.source.git", "is required"),
                arguments("no url", (Consumer<Function>) f -> f.getSpec().source.git.url = null,
                        "spec.source.git.url", "is required"),
                arguments("https url without repository", (Consumer<Function>) f -> f.getSpec().source.git.url = "https://github.com/",
                        "spec.source.git.url", "must name a host and a repository path"),
                arguments("credentials in url", (Consumer<Function>) f -> f.getSpec().source.git.url = "https://bob:hunter2@github.com/acme/greeter.git",
                        "spec.source.git.url", "must not contain credentials; put them in a Secret named by spec.source.git.secretRef"),
                arguments("revision with space", (Consumer<Function>) f -> f.getSpec().source.git.revision = "my branch",
                        "spec.source.git.revision", "must be a branch, tag or commit SHA: no spaces, control characters or any of ~^:?*[\\"),
                arguments("revision with dot-dot", (Consumer<Function>) f -> f.getSpec().source.git.revision = "main..dev",
                        "spec.source.git.revision", "must be a branch, tag or commit SHA: no '..', '@{', lone '@' or trailing '.'"),
                arguments("revision ending in .lock", (Consumer<Function>) f -> f.getSpec().source.git.revision = "feature/x.lock",
                        "spec.source.git.revision", "must be a branch, tag or commit SHA: no component starting with '.' or ending with '.lock'"),
                arguments("revision with leading slash", (Consumer<Function>) f -> f.getSpec().source.git.revision = "/main",
                        "spec.source.git.revision", "must be a branch, tag or commit SHA: no leading, trailing or doubled '/'"),
                arguments("empty revision", (Consumer<Function>) f -> f.getSpec().source.git.revision = "",
                        "spec.source.git.revision", "is required"),
                arguments("context dir escapes", (Consumer<Function>) f -> f.getSpec().source.git.contextDir = "functions/../../etc",
                        "spec.source.git.contextDir", "must stay inside the repository (no '..')"),
                arguments("absolute context dir", (Consumer<Function>) f -> f.getSpec().source.git.contextDir = "/etc",
                        "spec.source.git.contextDir", "must be a path relative to the repository root"),
                arguments("blank context dir", (Consumer<Function>) f -> f.getSpec().source.git.contextDir = " ",
                        "spec.source.git.contextDir", "must not be empty; leave it out to use the default"),
                arguments("secret ref with bad name", (Consumer<Function>) f -> f.getSpec().source.git.secretRef = new LocalObjectReference("Git_Creds"),
                        "spec.source.git.secretRef.name", "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'"),
                arguments("secret ref without name", (Consumer<Function>) f -> f.getSpec().source.git.secretRef = new LocalObjectReference(),
                        "spec.source.git.secretRef.name", "is required"),
                arguments("poll interval too short", (Consumer<Function>) f -> f.getSpec().source.git.pollInterval = "1s",
                        "spec.source.git.pollInterval", "must be between 10s and 24h"),
                arguments("poll interval not a duration", (Consumer<Function>) f -> f.getSpec().source.git.pollInterval = "often",
                        "spec.source.git.pollInterval", "must be a duration such as 30s, 5m or 1h30m"),
                arguments("unknown strategy", (Consumer<Function>) f -> build(f).strategy = "gradle",
                        "spec.build.strategy", "must be auto, maven or dockerfile"),
                arguments("dockerfile escapes", (Consumer<Function>) f -> build(f).dockerfile = "../Dockerfile",
                        "spec.build.dockerfile", "must stay inside the repository (no '..')"),
                arguments("image with tag", (Consumer<Function>) f -> build(f).image = "registry.example.com/acme/greeter:v1",
                        "spec.build.image", "must be an image repository without tag or digest, e.g. registry.example.com/acme/greeter"),
                arguments("image with digest", (Consumer<Function>) f -> build(f).image = "acme/greeter@sha256:abc",
                        "spec.build.image", "must be an image repository without tag or digest, e.g. registry.example.com/acme/greeter"),
                arguments("build timeout too long", (Consumer<Function>) f -> build(f).timeout = "7h",
                        "spec.build.timeout", "must be between 1m and 6h"),
                arguments("push secret without name", (Consumer<Function>) f -> build(f).pushSecretRef = new LocalObjectReference(""),
                        "spec.build.pushSecretRef.name", "is required"),
                arguments("reserved env PORT", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("PORT", "9000", null)),
                        "spec.env[0].name", "PORT is reserved: the platform sets it"),
                arguments("env name with space", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("MY VAR", "x", null)),
                        "spec.env[0].name", "must consist of letters, digits, '_', '-' or '.', and not start with a digit"),
                arguments("env without name", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar(null, "x", null)),
                        "spec.env[0].name", "is required"),
                arguments("duplicate env", (Consumer<Function>) f -> f.getSpec().env.addAll(List.of(new EnvVar("A", "1", null), new EnvVar("A", "2", null))),
                        "spec.env[1].name", "duplicate variable A"),
                arguments("env value and valueFrom", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("A", "1",
                                new EnvVarSourceBuilder().withNewSecretKeyRef("k", "s", false).build())),
                        "spec.env[0]", "must set value or valueFrom, not both"),
                arguments("env from the Downward API: Knative refuses fieldRef by default", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("NS", null,
                                new EnvVarSourceBuilder().withNewFieldRef("v1", "metadata.namespace").build())),
                        "spec.env[0].valueFrom.fieldRef", DOWNWARD_API),
                arguments("env from a resource field: Knative refuses resourceFieldRef by default", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("MEM", null,
                                new EnvVarSourceBuilder().withNewResourceFieldRef().withResource("limits.memory").endResourceFieldRef().build())),
                        "spec.env[0].valueFrom.resourceFieldRef", DOWNWARD_API),
                arguments("env from a file: no Knative flag allows fileKeyRef", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("F", null,
                                new EnvVarSourceBuilder().withNewFileKeyRef().withVolumeName("v").withPath("p").withKey("k").endFileKeyRef().build())),
                        "spec.env[0].valueFrom.fileKeyRef", "is not supported: Knative Serving takes only configMapKeyRef and secretKeyRef"),
                arguments("env valueFrom naming nothing", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("A", null, new EnvVarSourceBuilder().build())),
                        "spec.env[0].valueFrom", "must set configMapKeyRef or secretKeyRef"),
                arguments("env valueFrom naming two sources", (Consumer<Function>) f -> f.getSpec().env.add(new EnvVar("A", null, new EnvVarSourceBuilder()
                                .withNewSecretKeyRef("k", "s", false).withNewConfigMapKeyRef("k", "c", false).build())),
                        "spec.env[0].valueFrom", "must set one of configMapKeyRef and secretKeyRef, not both"),
                arguments("resource claims: Knative takes only limits and requests", (Consumer<Function>) f -> f.getSpec().resources =
                                new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder().addNewClaim().withName("gpu").endClaim().build(),
                        "spec.resources.claims", "is not supported: Knative Serving takes only limits and requests"),
                arguments("negative min scale", (Consumer<Function>) f -> scale(f).min = -1,
                        "spec.scale.min", "must be 0 or more"),
                arguments("negative max scale", (Consumer<Function>) f -> scale(f).max = -2,
                        "spec.scale.max", "must be 0 (no limit) or more"),
                arguments("min above max", (Consumer<Function>) f -> { scale(f).min = 5; scale(f).max = 2; },
                        "spec.scale.min", "must not be greater than spec.scale.max (2)"),
                arguments("zero target", (Consumer<Function>) f -> scale(f).target = 0,
                        "spec.scale.target", "must be 1 or more"),
                arguments("container concurrency too high", (Consumer<Function>) f -> scale(f).containerConcurrency = 1001,
                        "spec.scale.containerConcurrency", "must be between 0 (no limit) and 1000"),
                arguments("retention not a duration", (Consumer<Function>) f -> scale(f).retention = "30",
                        "spec.scale.retention", "must be a duration such as 30s, 5m or 1h30m"),
                arguments("retention over an hour", (Consumer<Function>) f -> scale(f).retention = "2h",
                        "spec.scale.retention", "must be between 0s and 1h"),
                arguments("zero timeout", (Consumer<Function>) f -> f.getSpec().timeoutSeconds = 0,
                        "spec.timeoutSeconds", "must be between 1 and 600"),
                arguments("timeout over Knative's max", (Consumer<Function>) f -> f.getSpec().timeoutSeconds = 601,
                        "spec.timeoutSeconds", "must be between 1 and 600"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reportsTheExactFieldAndMessage(String name, Consumer<Function> change, String path, String message) {
        for (ValidationPolicy policy : List.of(ValidationPolicy.LOCAL, CLUSTER)) {
            Function f = function(change);
            assertThat(f.validate(policy).list()).as(policy.toString()).containsExactly(new FieldError(path, message));
            f.applyDefaults();
            assertThat(f.validate(policy).list()).as("after defaults, " + policy).contains(new FieldError(path, message));
        }
    }

    static final String NAME = "must be a DNS-1035 label: at most 63 lowercase letters, digits and '-', starting with a letter and ending"
            + " with a letter or digit (Knative Serving names the function's Service after it)";
    static final String DOWNWARD_API = "is not supported: Knative Serving refuses it unless its cluster enables kubernetes.podspec-fieldref"
            + " (off by default), and local mode has no pod to read it from";

    /** A cluster as the controller's defaults make it: https and ssh, images under registry.example.com/kiln. */
    static final ValidationPolicy CLUSTER = ValidationPolicy.cluster(ValidationPolicy.CLUSTER_GIT_SCHEMES, "registry.example.com/kiln",
            "KILN_GIT_SCHEMES in kiln-config");
    static final ValidationPolicy CLUSTER_WITH_HTTP = ValidationPolicy.cluster(java.util.Set.of("https", "ssh", "http"),
            "registry.example.com/kiln", "KILN_GIT_SCHEMES in kiln-config");
    static final ValidationPolicy HTTPS_ONLY = ValidationPolicy.cluster(java.util.Set.of("https"), "registry.example.com/kiln",
            "KILN_GIT_SCHEMES in kiln-config");
    static final String CLUSTER_URLS = "must be an https or ssh URL, or user@host:path";
    static final String OWN_PATH = "must be registry.example.com/kiln/demo/greeter or a repository below it: every Function pushes under its"
            + " own path of the installation's registry registry.example.com/kiln";

    /** What depends on where the Function runs (the fixture is demo/greeter). */
    static Stream<Arguments> invalidByPolicy() {
        return Stream.of(
                arguments("ftp url, locally", ValidationPolicy.LOCAL, (Consumer<Function>) f -> f.getSpec().source.git.url = "ftp://example.com/x.git",
                        "spec.source.git.url", "must be an https, ssh, http or file URL, or user@host:path"),
                arguments("bare word url, locally", ValidationPolicy.LOCAL, (Consumer<Function>) f -> f.getSpec().source.git.url = "greeter",
                        "spec.source.git.url", "must be an https, ssh, http or file URL, or user@host:path"),
                arguments("relative file url, locally", ValidationPolicy.LOCAL, (Consumer<Function>) f -> f.getSpec().source.git.url = "file:greeter",
                        "spec.source.git.url", "file URLs must be absolute, e.g. file:///home/me/greeter"),
                arguments("ftp url in a cluster", CLUSTER, (Consumer<Function>) f -> f.getSpec().source.git.url = "ftp://example.com/x.git",
                        "spec.source.git.url", CLUSTER_URLS),
                arguments("file url in a cluster: the controller's own file system, its Git cache included", CLUSTER,
                        (Consumer<Function>) f -> f.getSpec().source.git.url = "file:///tmp/kiln-git/repos/0123456789abcdef01234567.git",
                        "spec.source.git.url", "file URLs are not allowed here: " + CLUSTER_URLS + " (KILN_GIT_SCHEMES in kiln-config allows more)"),
                arguments("file url where the operator allowed http only", CLUSTER_WITH_HTTP,
                        (Consumer<Function>) f -> f.getSpec().source.git.url = "file:///srv/git/greeter",
                        "spec.source.git.url", "file URLs are not allowed here: must be an https, ssh or http URL, or user@host:path"
                                + " (KILN_GIT_SCHEMES in kiln-config allows more)"),
                arguments("http url in a cluster: requests to internal addresses", CLUSTER,
                        (Consumer<Function>) f -> f.getSpec().source.git.url = "http://169.254.169.254/latest/meta-data.git",
                        "spec.source.git.url", "http URLs are not allowed here: " + CLUSTER_URLS + " (KILN_GIT_SCHEMES in kiln-config allows more)"),
                arguments("http url spelt in capitals", CLUSTER, (Consumer<Function>) f -> f.getSpec().source.git.url = "HTTP://git.internal/acme/greeter.git",
                        "spec.source.git.url", "http URLs are not allowed here: " + CLUSTER_URLS + " (KILN_GIT_SCHEMES in kiln-config allows more)"),
                arguments("scp-like url where only https is allowed", HTTPS_ONLY, (Consumer<Function>) f -> f.getSpec().source.git.url = "git@github.com:acme/greeter.git",
                        "spec.source.git.url", "user@host:path (ssh) URLs are not allowed here: must be an https URL (KILN_GIT_SCHEMES in kiln-config allows more)"),
                arguments("ssh url where only https is allowed", HTTPS_ONLY, (Consumer<Function>) f -> f.getSpec().source.git.url = "ssh://git@github.com/acme/greeter.git",
                        "spec.source.git.url", "ssh URLs are not allowed here: must be an https URL (KILN_GIT_SCHEMES in kiln-config allows more)"),
                arguments("image in another namespace's path", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln/other/greeter",
                        "spec.build.image", OWN_PATH),
                arguments("another Function's Kaniko cache", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln/other/greeter/cache",
                        "spec.build.image", OWN_PATH),
                arguments("another Function of the same namespace", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln/demo/logger",
                        "spec.build.image", OWN_PATH),
                arguments("a name that only starts like the Function's", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln/demo/greeter-2",
                        "spec.build.image", OWN_PATH),
                arguments("the registry's root", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln",
                        "spec.build.image", OWN_PATH),
                arguments("another registry", CLUSTER, (Consumer<Function>) f -> build(f).image = "docker.io/acme/greeter",
                        "spec.build.image", OWN_PATH),
                arguments("the registry spelt with its port", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com:443/kiln/demo/greeter",
                        "spec.build.image", OWN_PATH),
                arguments("the registry spelt in capitals", CLUSTER, (Consumer<Function>) f -> build(f).image = "Registry.example.com/kiln/demo/greeter",
                        "spec.build.image", OWN_PATH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidByPolicy")
    void reportsWhatThePlaceItRunsInDoesNotAllow(String name, ValidationPolicy policy, Consumer<Function> change, String path, String message) {
        Function f = function(change);
        f.applyDefaults();
        assertThat(f.validate(policy).list()).containsExactly(new FieldError(path, message));
    }

    static Stream<Arguments> validByPolicy() {
        return Stream.of(
                arguments("file url, locally", ValidationPolicy.LOCAL, (Consumer<Function>) f -> f.getSpec().source.git.url = "file:///srv/git/greeter"),
                arguments("http url, locally", ValidationPolicy.LOCAL, (Consumer<Function>) f -> f.getSpec().source.git.url = "http://127.0.0.1:8080/git/greeter.git"),
                arguments("any image, locally (nothing is pushed)", ValidationPolicy.LOCAL, (Consumer<Function>) f -> build(f).image = "registry.example.com/acme/greeter"),
                arguments("https url in a cluster", CLUSTER, (Consumer<Function>) f -> { }),
                arguments("ssh url in a cluster", CLUSTER, (Consumer<Function>) f -> f.getSpec().source.git.url = "ssh://git@github.com/acme/greeter.git"),
                arguments("scp-like url in a cluster", CLUSTER, (Consumer<Function>) f -> f.getSpec().source.git.url = "git@github.com:acme/greeter.git"),
                arguments("http url where the operator allowed it", CLUSTER_WITH_HTTP,
                        (Consumer<Function>) f -> f.getSpec().source.git.url = "http://git.git-system.svc.cluster.local/acme/greeter.git"),
                arguments("the Function's own repository", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln/demo/greeter"),
                arguments("a repository below it", CLUSTER, (Consumer<Function>) f -> build(f).image = "registry.example.com/kiln/demo/greeter/variant"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validByPolicy")
    void acceptsWhatThePlaceItRunsInAllows(String name, ValidationPolicy policy, Consumer<Function> change) {
        Function f = function(change);
        f.applyDefaults();
        assertThat(f.validate(policy).list()).isEmpty();
    }

    @Test
    void aClusterPolicyTakesOnlySchemesKilnFetchesAndARegistryPath() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationPolicy.cluster(java.util.Set.of("https", "git"), "registry.example.com/kiln", null))
                .hasMessage("'git' is not a Git URL scheme Kiln fetches from: use https, ssh, http, file");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationPolicy.cluster(java.util.Set.of(), "registry.example.com/kiln", null))
                .hasMessage("at least one Git URL scheme must be allowed, e.g. https");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationPolicy.cluster(ValidationPolicy.CLUSTER_GIT_SCHEMES, "registry.example.com/kiln/", null))
                .hasMessage("'registry.example.com/kiln/' is not a registry path images can go under: must be an image repository without tag or digest,"
                        + " e.g. registry.example.com/acme/greeter");
        assertThat(CLUSTER.functionRepository("demo", "greeter")).isEqualTo("registry.example.com/kiln/demo/greeter");
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("minimal", (Consumer<Function>) f -> { }),
                arguments("ssh url", (Consumer<Function>) f -> f.getSpec().source.git.url = "ssh://git@github.com/acme/greeter.git"),
                arguments("scp-like url", (Consumer<Function>) f -> f.getSpec().source.git.url = "git@github.com:acme/greeter.git"),
                arguments("short sha", (Consumer<Function>) f -> f.getSpec().source.git.revision = "9fceb02"),
                arguments("tag with slash", (Consumer<Function>) f -> f.getSpec().source.git.revision = "release/v1.2.0"),
                arguments("full ref", (Consumer<Function>) f -> f.getSpec().source.git.revision = "refs/heads/main"),
                arguments("registry with port", (Consumer<Function>) f -> build(f).image = "localhost:5000/acme/greeter"),
                arguments("unlimited max with min", (Consumer<Function>) f -> { scale(f).min = 3; scale(f).max = 0; }),
                arguments("zero retention", (Consumer<Function>) f -> scale(f).retention = "0s"),
                arguments("env from a Secret and a ConfigMap", (Consumer<Function>) f -> f.getSpec().env.addAll(List.of(
                        new EnvVar("A", null, new EnvVarSourceBuilder().withNewSecretKeyRef("k", "s", false).build()),
                        new EnvVar("B", null, new EnvVarSourceBuilder().withNewConfigMapKeyRef("k", "c", true).build())))),
                arguments("limits and requests", (Consumer<Function>) f -> f.getSpec().resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"))
                        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("250m")).build()),
                arguments("a name with a digit after its first letter", (Consumer<Function>) f -> f.getMetadata().setName("a2fa-checker")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsValidFunctions(String name, Consumer<Function> change) {
        Function f = function(change);
        f.applyDefaults();
        assertThat(f.validate(ValidationPolicy.LOCAL).list()).isEmpty();
    }

    @Test
    void reportsEveryErrorAtOnce() {
        Function f = function(fn -> {
            fn.getSpec().source.git.url = "ftp://x/y";
            fn.getSpec().source.git.contextDir = "../x";
            scale(fn).min = 3;
            scale(fn).max = 1;
            fn.getSpec().timeoutSeconds = 0;
        });
        FieldErrors errors = f.validate(CLUSTER);
        assertThat(errors.paths()).containsExactly("spec.source.git.url", "spec.source.git.contextDir", "spec.scale.min",
                "spec.timeoutSeconds");
        assertThat(errors.summary()).startsWith("spec.source.git.url: " + CLUSTER_URLS + "; spec.source.git.contextDir:");
    }

    @Test
    void missingSpecIsOneError() {
        Function f = function();
        f.setSpec(null);
        assertThat(f.validate(CLUSTER).list()).containsExactly(new FieldError("spec", "is required"));
    }

    private static BuildSpec build(Function f) {
        if (f.getSpec().build == null) {
            f.getSpec().build = new BuildSpec();
        }
        return f.getSpec().build;
    }

    private static ScaleSpec scale(Function f) {
        if (f.getSpec().scale == null) {
            f.getSpec().scale = new ScaleSpec();
        }
        return f.getSpec().scale;
    }
}
