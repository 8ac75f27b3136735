package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Knative Serving's validating webhook ({@value #WEBHOOK}) on a Service's create and update, at the default
 * {@code config-features}, as far as the parts Kiln writes go: the name and the pod spec's field masks (the settings an
 * operator limits are {@link KnativeServing#validate}'s; {@link ClusterDispatcher} answers for both). Modelled on knative/serving {@code knative-v1.22.0}
 * (read, not copied; these parts are unchanged at HEAD 98e5ef9):
 *
 * <ul>
 *   <li>{@code pkg/apis/serving/v1/service_validation.go} {@code Service.Validate}: the metadata through
 *       knative.dev/pkg {@code apis/metadata_validation.go} {@code ValidateObjectMetadata} (the name a DNS-1035 label,
 *       apimachinery's {@code IsDNS1035Label} message), then the spec.</li>
 *   <li>{@code pkg/apis/serving/k8s_validation.go} {@code ValidatePodSpec} and {@code validate} (a container):
 *       {@code apis.CheckDisallowedFields} against {@code fieldmask.go}'s {@code PodSpecMask}, {@code ContainerMask},
 *       {@code EnvVarMask}, {@code EnvVarSourceMask}, {@code ResourceRequirementsMask}, {@code SecurityContextMask} and
 *       {@code CapabilitiesMask}, with {@code pkg/apis/config/features.go}'s {@code defaultFeaturesConfig} (every
 *       {@code kubernetes.podspec-*} flag that matters here {@code Disabled}, {@code multi-container} enabled); the
 *       reserved env var names ({@code reservedEnvVars}).</li>
 *   <li>The answer: knative.dev/pkg {@code webhook.MakeErrorStatus("validation failed: %v", errs)}, a
 *       {@code NewBadRequest} (400), whose message is {@code FieldError.Error()}: errors with the same message merged,
 *       their paths sorted and joined with {@code ", "}, sorted by message, one a line; a disallowed field's message is
 *       {@code "must not set the field(s)"} and {@code kmp.CompareSetFields} names fields by their JSON names.</li>
 * </ul>
 *
 * Not modelled (Kiln sets none of them, or only Knative's defaults fill them): volumes and mounts, probes, ports,
 * the autoscaling and rollout annotations, traffic, the revision template's name.
 */
public final class KnativeValidation {

    /** The webhook's name, as the API server names it in a refusal (config/core/webhooks/resource-validation.yaml). */
    public static final String WEBHOOK = "validation.webhook.serving.knative.dev";

    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final String DISALLOWED = "must not set the field(s)";

    /** {@code PodSpecMask}'s always-allowed fields, and {@code RevisionSpec}'s own (inlined beside the pod spec). */
    private static final Set<String> POD_SPEC = Set.of("serviceAccountName", "containers", "volumes", "imagePullSecrets", "enableServiceLinks",
            "containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds");
    private static final Set<String> CONTAINER = Set.of("name", "args", "command", "env", "workingDir", "envFrom", "image", "imagePullPolicy",
            "livenessProbe", "ports", "readinessProbe", "resources", "securityContext", "startupProbe", "terminationMessagePath",
            "terminationMessagePolicy", "volumeMounts");
    private static final Set<String> ENV_VAR = Set.of("name", "value", "valueFrom");
    /** {@code EnvVarSourceMask} with {@code fieldRef} false ({@code kubernetes.podspec-fieldref} is Disabled). */
    private static final Set<String> ENV_VAR_SOURCE = Set.of("configMapKeyRef", "secretKeyRef");
    private static final Set<String> RESOURCES = Set.of("limits", "requests");
    private static final Set<String> SECURITY_CONTEXT = Set.of("capabilities", "readOnlyRootFilesystem", "runAsUser", "runAsGroup", "runAsNonRoot",
            "allowPrivilegeEscalation", "seccompProfile");
    /** {@code CapabilitiesMask} with {@code kubernetes.containerspec-addcapabilities} and {@code secure-pod-defaults} off. */
    private static final Set<String> CAPABILITIES = Set.of("drop");
    private static final Set<String> RESERVED_ENV = Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION");

    private KnativeValidation() {
    }

    /**
     * @param service the Service as the webhook gets it (after the defaulting webhook)
     * @return the webhook's refusal ({@code validation failed: ...}), or empty when it allows the Service
     */
    public static Optional<String> refusal(JsonNode service) {
        List<String> errors = errors(service);
        return errors.isEmpty() ? Optional.empty() : Optional.of("validation failed: " + String.join("\n", errors));
    }

    /**
     * @param service the Service as the webhook gets it (after the defaulting webhook)
     * @return the errors of these checks as {@code FieldError.Error()} prints them, one an item, sorted by message
     */
    public static List<String> errors(JsonNode service) {
        Errors errors = new Errors();
        String name = service.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            errors.add("name or generateName is required", "metadata.name");
        } else if (name.length() > 63 || !DNS_1035_LABEL.matcher(name).matches()) {
            List<String> msgs = new ArrayList<>();
            if (name.length() > 63) {
                msgs.add("must be no more than 63 characters");
            }
            if (!DNS_1035_LABEL.matcher(name).matches()) {
                msgs.add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end"
                        + " with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
            }
            errors.add("not a DNS 1035 label: [" + String.join(" ", msgs) + "]", "metadata.name");
        }
        String pod = "spec.template.spec";
        JsonNode podSpec = service.path("spec").path("template").path("spec");
        errors.disallowed(pod, podSpec, POD_SPEC);
        JsonNode containers = podSpec.path("containers");
        for (int i = 0; i < containers.size(); i++) {
            container(errors, pod + ".containers[" + i + "]", containers.get(i));
        }
        return errors.lines();
    }

    private static void container(Errors errors, String path, JsonNode c) {
        errors.disallowed(path, c, CONTAINER);
        JsonNode env = c.path("env");
        for (int j = 0; j < env.size(); j++) {
            String at = path + ".env[" + j + "]";
            JsonNode var = env.get(j);
            errors.disallowed(at, var, ENV_VAR);
            String name = var.path("name").asText("");
            if (name.isEmpty()) {
                errors.add("missing field(s)", at + ".name");
            } else if (RESERVED_ENV.contains(name)) {
                errors.add("\"" + name + "\" is a reserved environment variable", at + ".name");
            }
            errors.disallowed(at + ".valueFrom", var.path("valueFrom"), ENV_VAR_SOURCE);
        }
        errors.disallowed(path + ".resources", c.path("resources"), RESOURCES);
        errors.disallowed(path + ".securityContext", c.path("securityContext"), SECURITY_CONTEXT);
        errors.disallowed(path + ".securityContext.capabilities", c.path("securityContext").path("capabilities"), CAPABILITIES);
    }

    /** knative.dev/pkg's FieldError as its Error() prints it: merged by message, paths sorted, sorted by message. */
    private static final class Errors {
        private final Map<String, TreeSet<String>> byMessage = new TreeMap<>();

        void add(String message, String path) {
            byMessage.computeIfAbsent(message, m -> new TreeSet<>()).add(path);
        }

        /**
         * {@code CheckDisallowedFields(object, mask(object))}: every field set that the mask does not carry over. A field
         * at its zero value (null, false, 0, "") counts as unset, as Go's non-pointer fields do; the masks that carry a
         * field over only when it is false ({@code privileged}, {@code automountServiceAccountToken}) come out the
         * same.
         */
        void disallowed(String path, JsonNode object, Set<String> allowed) {
            if (!object.isObject()) {
                return;
            }
            object.fieldNames().forEachRemaining(field -> {
                JsonNode value = object.get(field);
                boolean zero = value.isNull() || (value.isBoolean() && !value.asBoolean()) || (value.isNumber() && value.asDouble() == 0)
                        || (value.isTextual() && value.asText().isEmpty());
                if (!zero && !allowed.contains(field)) {
                    add(DISALLOWED, path + "." + field);
                }
            });
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            byMessage.forEach((message, paths) -> lines.add(message + ": " + String.join(", ", paths)));
            return lines;
        }
    }
}
