package dev.kiln.api.functions.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of a Function: every error, each with its field path. */
public final class FunctionValidation {

    /** Environment variables that Knative (and local mode) set themselves. */
    public static final Set<String> RESERVED_ENV = Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION");

    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final int MAX_TIMEOUT_SECONDS = 600;
    private static final int MAX_CONTAINER_CONCURRENCY = 1000;

    private FunctionValidation() {
    }

    /**
     * @param function the function to check
     * @param policy what the place it runs in allows (Git URL schemes, where images may go)
     * @return every error found
     */
    public static FieldErrors validate(Function function, ValidationPolicy policy) {
        FieldErrors errors = new FieldErrors();
        KnativeAdmission.name(errors, function.getMetadata() == null ? null : function.getMetadata().getName());
        FunctionSpec spec = function.getSpec();
        if (spec == null) {
            errors.missing("spec");
            return errors;
        }
        source(errors, spec.source, policy);
        build(errors, spec.build, function, policy);
        env(errors, spec);
        KnativeAdmission.resources(errors, spec.resources);
        scale(errors, spec.scale);
        if (spec.timeoutSeconds != null && (spec.timeoutSeconds < 1 || spec.timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            errors.add("spec.timeoutSeconds", "must be between 1 and " + MAX_TIMEOUT_SECONDS);
        }
        return errors;
    }

    private static void source(FieldErrors errors, FunctionSource source, ValidationPolicy policy) {
        if (source == null) {
            errors.missing("spec.source");
            return;
        }
        GitSource git = source.git;
        if (git == null) {
            errors.missing("spec.source.git");
            return;
        }
        Checks.gitUrl(errors, "spec.source.git.url", git.url, policy);
        if (git.revision != null) {
            Checks.gitRevision(errors, "spec.source.git.revision", git.revision);
        }
        Checks.relativePath(errors, "spec.source.git.contextDir", git.contextDir);
        Checks.localRef(errors, "spec.source.git.secretRef", git.secretRef);
        Checks.goDuration(errors, "spec.source.git.pollInterval", git.pollInterval,
                Duration.ofSeconds(10), Duration.ofDays(1));
    }

    private static void build(FieldErrors errors, BuildSpec build, Function function, ValidationPolicy policy) {
        if (build == null) {
            return;
        }
        Checks.oneOf(errors, "spec.build.strategy", build.strategy,
                Set.of(BuildSpec.AUTO, BuildSpec.MAVEN, BuildSpec.DOCKERFILE), "auto, maven or dockerfile");
        Checks.relativePath(errors, "spec.build.dockerfile", build.dockerfile);
        if (build.image != null) {
            int before = errors.list().size();
            Checks.imageRepository(errors, "spec.build.image", build.image);
            if (errors.list().size() == before && policy.registry() != null) {
                ownRepository(errors, build.image, function, policy);
            }
        }
        Checks.localRef(errors, "spec.build.pushSecretRef", build.pushSecretRef);
        Checks.goDuration(errors, "spec.build.timeout", build.timeout, Duration.ofMinutes(1), Duration.ofHours(6));
    }

    /**
     * In a cluster every namespace's builds push with the installation's credentials, and Kaniko's layer cache is
     * {@code <image>/cache}: an image outside the Function's own path would overwrite another Function's images or
     * poison its cache. The path is compared as written, so another spelling of the same registry (a port, another
     * case) is refused rather than trusted.
     */
    private static void ownRepository(FieldErrors errors, String image, Function function, ValidationPolicy policy) {
        var meta = function.getMetadata();
        String own = policy.functionRepository(meta == null ? null : meta.getNamespace(), meta == null ? null : meta.getName());
        if (!image.equals(own) && !image.startsWith(own + "/")) {
            errors.add("spec.build.image", "must be " + own + " or a repository below it: every Function pushes under its own path"
                    + " of the installation's registry " + policy.registry());
        }
    }

    private static void env(FieldErrors errors, FunctionSpec spec) {
        if (spec.env == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.env.size(); i++) {
            EnvVar var = spec.env.get(i);
            String path = "spec.env[" + i + "]";
            String name = var == null ? null : var.getName();
            if (name == null || name.isEmpty()) {
                errors.missing(path + ".name");
                continue;
            }
            if (!ENV_NAME.matcher(name).matches()) {
                errors.add(path + ".name", "must consist of letters, digits, '_', '-' or '.', and not start with a digit");
            } else if (RESERVED_ENV.contains(name)) {
                errors.add(path + ".name", name + " is reserved: the platform sets it");
            } else if (!seen.add(name)) {
                errors.add(path + ".name", "duplicate variable " + name);
            }
            if (var.getValue() != null && var.getValueFrom() != null) {
                errors.add(path, "must set value or valueFrom, not both");
            }
            var from = var.getValueFrom();
            if (from != null && !KnativeAdmission.envSource(errors, path + ".valueFrom", from)) {
                // The API server's rule for a pod (kubernetes pkg/apis/core/validation validateEnvVarValueFrom: one
                // source, no more), which would otherwise fail only the Revision's Deployment, after a build.
                if (from.getConfigMapKeyRef() != null && from.getSecretKeyRef() != null) {
                    errors.add(path + ".valueFrom", "must set one of configMapKeyRef and secretKeyRef, not both");
                } else if (from.getConfigMapKeyRef() == null && from.getSecretKeyRef() == null) {
                    errors.add(path + ".valueFrom", "must set configMapKeyRef or secretKeyRef");
                }
            }
        }
    }

    private static void scale(FieldErrors errors, ScaleSpec scale) {
        if (scale == null) {
            return;
        }
        if (scale.min != null && scale.min < 0) {
            errors.add("spec.scale.min", "must be 0 or more");
        }
        if (scale.max != null && scale.max < 0) {
            errors.add("spec.scale.max", "must be 0 (no limit) or more");
        }
        if (scale.min != null && scale.max != null && scale.max > 0 && scale.min > scale.max) {
            errors.add("spec.scale.min", "must not be greater than spec.scale.max (" + scale.max + ")");
        }
        if (scale.target != null && scale.target < 1) {
            errors.add("spec.scale.target", "must be 1 or more");
        }
        if (scale.containerConcurrency != null
                && (scale.containerConcurrency < 0 || scale.containerConcurrency > MAX_CONTAINER_CONCURRENCY)) {
            errors.add("spec.scale.containerConcurrency", "must be between 0 (no limit) and " + MAX_CONTAINER_CONCURRENCY);
        }
        Checks.goDuration(errors, "spec.scale.retention", scale.retention, Duration.ZERO, Duration.ofHours(1));
    }
}
