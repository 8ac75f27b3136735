package dev.kiln.api.functions.v1alpha1;

import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
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
    private static final Pattern REGISTRY_HOST = Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?(:[0-9]{1,5})?");
    private static final Pattern REPO_COMPONENT = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
    private static final int MAX_TIMEOUT_SECONDS = 600;
    private static final int MAX_CONTAINER_CONCURRENCY = 1000;

    private FunctionValidation() {
    }

    /**
     * @param function the function to check
     * @return every error found
     */
    public static FieldErrors validate(Function function) {
        FieldErrors errors = new FieldErrors();
        Checks.dnsLabel(errors, "metadata.name", function.getMetadata() == null ? null : function.getMetadata().getName());
        FunctionSpec spec = function.getSpec();
        if (spec == null) {
            errors.missing("spec");
            return errors;
        }
        source(errors, spec.source);
        build(errors, spec.build);
        env(errors, spec);
        scale(errors, spec.scale);
        if (spec.timeoutSeconds != null && (spec.timeoutSeconds < 1 || spec.timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            errors.add("spec.timeoutSeconds", "must be between 1 and " + MAX_TIMEOUT_SECONDS);
        }
        return errors;
    }

    private static void source(FieldErrors errors, FunctionSource source) {
        if (source == null) {
            errors.missing("spec.source");
            return;
        }
        GitSource git = source.git;
        if (git == null) {
            errors.missing("spec.source.git");
            return;
        }
        Checks.gitUrl(errors, "spec.source.git.url", git.url);
        if (git.revision != null) {
            Checks.gitRevision(errors, "spec.source.git.revision", git.revision);
        }
        Checks.relativePath(errors, "spec.source.git.contextDir", git.contextDir);
        Checks.localRef(errors, "spec.source.git.secretRef", git.secretRef);
        Checks.goDuration(errors, "spec.source.git.pollInterval", git.pollInterval,
                Duration.ofSeconds(10), Duration.ofDays(1));
    }

    private static void build(FieldErrors errors, BuildSpec build) {
        if (build == null) {
            return;
        }
        Checks.oneOf(errors, "spec.build.strategy", build.strategy,
                Set.of(BuildSpec.AUTO, BuildSpec.MAVEN, BuildSpec.DOCKERFILE), "auto, maven or dockerfile");
        Checks.relativePath(errors, "spec.build.dockerfile", build.dockerfile);
        if (build.image != null) {
            imageRepository(errors, "spec.build.image", build.image);
        }
        Checks.localRef(errors, "spec.build.pushSecretRef", build.pushSecretRef);
        Checks.goDuration(errors, "spec.build.timeout", build.timeout, Duration.ofMinutes(1), Duration.ofHours(6));
    }

    private static void imageRepository(FieldErrors errors, String path, String image) {
        String[] parts = image.split("/", -1);
        boolean ok = !image.isEmpty() && !image.contains("@");
        for (int i = 0; ok && i < parts.length; i++) {
            boolean host = i == 0 && parts.length > 1
                    && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"));
            ok = host ? REGISTRY_HOST.matcher(parts[i]).matches() : REPO_COMPONENT.matcher(parts[i]).matches();
        }
        if (!ok) {
            errors.add(path, "must be an image repository without tag or digest, e.g. registry.example.com/acme/greeter");
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
