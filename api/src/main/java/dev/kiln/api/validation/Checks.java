package dev.kiln.api.validation;

import dev.kiln.api.duck.CloudEventOverrides;
import dev.kiln.api.duck.DeliverySpec;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.SecretValueFromSource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that several kinds share. Each one records its errors (with the field path it is given) and
 * returns nothing, so a validator calls them one after another and collects every problem.
 */
public final class Checks {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern SCP_LIKE_GIT = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+");
    private static final Pattern REGISTRY_HOST = Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?(:[0-9]{1,5})?");
    private static final Pattern REPO_COMPONENT = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern HEX_SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]+");
    private static final Set<String> CORE_ATTRIBUTES = Set.of(
            "id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time", "data", "data_base64");

    private Checks() {
    }

    /** Checks a Kubernetes object name that must be a DNS-1123 label (at most 63 characters). */
    public static void dnsLabel(FieldErrors errors, String path, String name) {
        if (name == null || name.isEmpty()) {
            errors.missing(path);
        } else if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
            errors.add(path, "must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', "
                    + "starting and ending with a letter or digit");
        }
    }

    /**
     * Checks a name that must be a DNS-1035 label: a DNS-1123 label that starts with a letter (Kubernetes'
     * {@code IsDNS1035Label}, apimachinery {@code pkg/util/validation}).
     *
     * @param why why this name must be one, appended to the message in parentheses, or null
     */
    public static void dns1035Label(FieldErrors errors, String path, String name, String why) {
        if (name == null || name.isEmpty()) {
            errors.missing(path);
        } else if (name.length() > 63 || !DNS_1035_LABEL.matcher(name).matches()) {
            errors.add(path, "must be a DNS-1035 label: at most 63 lowercase letters, digits and '-', "
                    + "starting with a letter and ending with a letter or digit" + (why == null ? "" : " (" + why + ")"));
        }
    }

    /** Checks a Kubernetes object name that must be a DNS-1123 subdomain (Secrets, ConfigMaps...). */
    public static void dnsSubdomain(FieldErrors errors, String path, String name) {
        if (name == null || name.isEmpty()) {
            errors.missing(path);
        } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            errors.add(path, "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'");
        }
    }

    /**
     * Checks a Git remote URL: one of the schemes the policy allows (https, ssh as a URL or scp-like
     * {@code user@host:path}, http, file), with a host and a path. Credentials in the URL are refused: they would leak
     * into status and logs.
     */
    public static void gitUrl(FieldErrors errors, String path, String url, ValidationPolicy policy) {
        if (url == null || url.isBlank()) {
            errors.missing(path);
            return;
        }
        URI uri = null;
        String scheme;
        if (SCP_LIKE_GIT.matcher(url).matches() && !url.contains("://")) {
            scheme = "ssh";
        } else {
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                errors.add(path, "must be " + gitUrlForms(policy));
                return;
            }
            scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        }
        if (!ValidationPolicy.GIT_SCHEMES.contains(scheme)) {
            errors.add(path, "must be " + gitUrlForms(policy));
            return;
        }
        if (!allowedScheme(errors, path, scheme, uri == null ? "user@host:path (ssh)" : scheme, gitUrlForms(policy), policy)) {
            return;
        }
        if (uri == null) {
            return;
        }
        if (scheme.equals("file")) {
            if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
                errors.add(path, "file URLs must be absolute, e.g. file:///home/me/greeter");
            }
        } else if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() <= 1) {
            errors.add(path, "must name a host and a repository path");
        } else if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            errors.add(path, "must not contain credentials; put them in a Secret named by spec.source.git.secretRef");
        }
    }

    /**
     * Checks the URL of a forge's API that Kiln calls (GitHub's API, a GitLab project's host, to register webhooks): an
     * absolute http or https URL of a scheme the policy allows Git URLs. Kiln calls it from where it fetches Git (in a
     * cluster, the controller's network, with the user's token), so the operator's Git schemes bound it as they bound
     * Git: a cluster that allows only https calls no plain-http API.
     */
    public static void forgeApiUrl(FieldErrors errors, String path, String url, ValidationPolicy policy) {
        int before = errors.list().size();
        httpUrl(errors, path, url);
        if (errors.list().size() > before) {
            return;
        }
        List<String> http = policy.orderedGitSchemes().stream().filter(s -> s.startsWith("http")).toList();
        String scheme = URI.create(url).getScheme();
        allowedScheme(errors, path, scheme, scheme, http.isEmpty() ? "an http or https URL, and neither is allowed"
                : (http.size() == 1 ? "an " + http.get(0) : "an " + String.join(" or ", http)) + " URL", policy);
    }

    /** The one rule for a URL Kiln reaches from where it runs: its scheme is one the policy allows. */
    private static boolean allowedScheme(FieldErrors errors, String path, String scheme, String described, String forms, ValidationPolicy policy) {
        if (policy.gitSchemes().contains(scheme)) {
            return true;
        }
        errors.add(path, described + " URLs are not allowed here: must be " + forms
                + (policy.gitSchemesSetting() == null ? "" : " (" + policy.gitSchemesSetting() + " allows more)"));
        return false;
    }

    /** @return e.g. {@code an https or ssh URL, or user@host:path} */
    private static String gitUrlForms(ValidationPolicy policy) {
        List<String> schemes = policy.orderedGitSchemes();
        String list = schemes.size() == 1 ? schemes.get(0)
                : String.join(", ", schemes.subList(0, schemes.size() - 1)) + " or " + schemes.get(schemes.size() - 1);
        return (list.startsWith("file") ? "a " : "an ") + list + " URL" + (schemes.contains("ssh") ? ", or user@host:path" : "");
    }

    /**
     * Checks an image repository without tag or digest, as a registry takes it: {@code host[:port]/path} or a path,
     * each path component lowercase letters and digits with single separators.
     */
    public static void imageRepository(FieldErrors errors, String path, String image) {
        if (image == null) {
            errors.missing(path);
            return;
        }
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

    /**
     * Checks a Git revision: {@code HEAD}, a commit SHA (7 to 64 hex digits) or a branch or tag name that
     * git's check-ref-format accepts.
     */
    public static void gitRevision(FieldErrors errors, String path, String revision) {
        if (revision == null || revision.isEmpty()) {
            errors.missing(path);
            return;
        }
        if (revision.equals("HEAD") || HEX_SHA.matcher(revision).matches()) {
            return;
        }
        String problem = refNameProblem(revision);
        if (problem != null) {
            errors.add(path, "must be a branch, tag or commit SHA: " + problem);
        }
    }

    private static String refNameProblem(String ref) {
        if (ref.startsWith("/") || ref.endsWith("/") || ref.contains("//")) {
            return "no leading, trailing or doubled '/'";
        }
        if (ref.contains("..") || ref.contains("@{") || ref.equals("@") || ref.endsWith(".")) {
            return "no '..', '@{', lone '@' or trailing '.'";
        }
        for (char c : ref.toCharArray()) {
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return "no spaces, control characters or any of ~^:?*[\\";
            }
        }
        for (String part : ref.split("/")) {
            if (part.startsWith(".") || part.endsWith(".lock")) {
                return "no component starting with '.' or ending with '.lock'";
            }
        }
        return null;
    }

    /** Checks a path inside the repository: relative, and never escaping it with {@code ..}. */
    public static void relativePath(FieldErrors errors, String path, String value) {
        if (value == null) {
            return;
        }
        if (value.isBlank()) {
            errors.add(path, "must not be empty; leave it out to use the default");
        } else if (value.startsWith("/") || value.startsWith("\\") || value.matches("^[A-Za-z]:.*")) {
            errors.add(path, "must be a path relative to the repository root");
        } else if (Arrays.asList(value.split("[/\\\\]")).contains("..")) {
            errors.add(path, "must stay inside the repository (no '..')");
        }
    }

    /** Checks a Go-style duration ({@code 30s}, {@code 1m30s}) against inclusive bounds. */
    public static void goDuration(FieldErrors errors, String path, String value, Duration min, Duration max) {
        if (value == null) {
            return;
        }
        Duration d;
        try {
            d = GoDurations.parse(value);
        } catch (IllegalArgumentException e) {
            errors.add(path, "must be a duration such as 30s, 5m or 1h30m");
            return;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            errors.add(path, "must be between " + human(min) + " and " + human(max));
        }
    }

    /** Checks an ISO-8601 duration ({@code PT0.2S}); {@code positive} refuses zero and negative values. */
    public static void isoDuration(FieldErrors errors, String path, String value, boolean positive) {
        if (value == null) {
            return;
        }
        try {
            Duration d = Duration.parse(value);
            if (d.isNegative() || (positive && d.isZero())) {
                errors.add(path, positive ? "must be greater than zero" : "must not be negative");
            }
        } catch (DateTimeParseException e) {
            errors.add(path, "must be an ISO-8601 duration such as PT0.2S or PT1M");
        }
    }

    /** Checks an absolute http(s) URL with a host. */
    public static void httpUrl(FieldErrors errors, String path, String value) {
        if (value == null || value.isBlank()) {
            errors.missing(path);
            return;
        }
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                errors.add(path, "must be an absolute http or https URL");
            }
        } catch (URISyntaxException e) {
            errors.add(path, "must be an absolute http or https URL");
        }
    }

    /**
     * Refuses Knative's TLS and OIDC options of a destination ({@code CACerts}, {@code audience}) wherever Kiln takes
     * one: a source's or a Function's sink, and the eventing plane's subscribers, steps, replies and dead-letter sinks.
     * Kiln's senders trust the JVM's CA certificates and send no tokens, so taking these would silently do something
     * else than asked.
     *
     * @param errors where the refusals go
     * @param path the destination's field path
     * @param caCerts its {@code CACerts}, or null
     * @param audience its {@code audience}, or null
     */
    public static void unsupportedDestinationOptions(FieldErrors errors, String path, String caCerts, String audience) {
        if (caCerts != null) {
            errors.add(path + ".CACerts", "is not supported: Kiln sends to https sinks trusting the JVM's CA certificates only");
        }
        if (audience != null) {
            errors.add(path + ".audience", "is not supported: Kiln does not send OIDC tokens to sinks");
        }
    }

    /**
     * Checks a Destination: exactly one of {@code ref} and {@code uri}; a complete ref in the namespace of the object
     * that names it; an absolute uri.
     *
     * <p>A ref into another namespace is refused as Knative refuses it: its {@code KReference.Validate}
     * (knative.dev/pkg, apis/duck/v1/knative_reference.go) reports a field error with the message
     * {@code "mismatched namespaces"} on the ref's {@code namespace} and the details
     * {@code parent namespace: %q does not match ref: %q}, and skips the check when the parent's namespace is
     * unknown. Kiln resolves refs with the controller's cluster-wide read rights, so without this a source in one
     * namespace could send into, and read the address of, another namespace's objects.
     *
     * @param parentNamespace the namespace of the object that names the destination, or null when unknown
     */
    public static void destination(FieldErrors errors, String path, Destination destination, String parentNamespace) {
        if (destination == null) {
            errors.missing(path);
            return;
        }
        unsupportedDestinationOptions(errors, path, destination.caCerts, destination.audience);
        if (destination.ref == null && destination.uri == null) {
            errors.add(path, "must set exactly one of ref and uri");
            return;
        }
        if (destination.ref != null && destination.uri != null) {
            errors.add(path, "must set exactly one of ref and uri, not both");
            return;
        }
        if (destination.uri != null) {
            httpUrl(errors, path + ".uri", destination.uri);
            return;
        }
        if (destination.ref.apiVersion == null || destination.ref.apiVersion.isBlank()) {
            errors.missing(path + ".ref.apiVersion");
        }
        if (destination.ref.kind == null || destination.ref.kind.isBlank()) {
            errors.missing(path + ".ref.kind");
        }
        dnsSubdomain(errors, path + ".ref.name", destination.ref.name);
        refNamespace(errors, path + ".ref.namespace", destination.ref.namespace, parentNamespace);
    }

    /**
     * Checks a ref's namespace: a DNS label, and the namespace of the object that holds the ref (see
     * {@link #destination}).
     *
     * @param namespace the ref's namespace, or null or empty for the parent's
     * @param parentNamespace the parent's namespace, or null or empty when unknown (nothing to compare with)
     */
    public static void refNamespace(FieldErrors errors, String path, String namespace, String parentNamespace) {
        if (namespace == null || namespace.isEmpty()) {
            return;
        }
        int before = errors.list().size();
        dnsLabel(errors, path, namespace);
        if (errors.list().size() == before && parentNamespace != null && !parentNamespace.isEmpty() && !namespace.equals(parentNamespace)) {
            errors.add(path, "mismatched namespaces: parent namespace: \"" + parentNamespace + "\" does not match ref: \"" + namespace + "\"");
        }
    }

    /** Checks a reference to an object in the same namespace (a Secret, usually). */
    public static void localRef(FieldErrors errors, String path, LocalObjectReference ref) {
        if (ref != null) {
            dnsSubdomain(errors, path + ".name", ref.getName());
        }
    }

    /** Checks a {@code {secretKeyRef: {name, key}}} reference; {@code required} reports its absence. */
    public static void secretValue(FieldErrors errors, String path, SecretValueFromSource value, boolean required) {
        if (value == null) {
            if (required) {
                errors.missing(path);
            }
            return;
        }
        SecretKeySelector ref = value.secretKeyRef;
        if (ref == null) {
            errors.missing(path + ".secretKeyRef");
            return;
        }
        dnsSubdomain(errors, path + ".secretKeyRef.name", ref.getName());
        if (ref.getKey() == null || ref.getKey().isEmpty()) {
            errors.missing(path + ".secretKeyRef.key");
        } else if (!ref.getKey().matches("[-._a-zA-Z0-9]+")) {
            errors.add(path + ".secretKeyRef.key", "must consist of letters, digits, '-', '_' or '.'");
        }
    }

    /** Checks CloudEvent extension overrides: lowercase alphanumeric names that are not core attributes. */
    public static void ceOverrides(FieldErrors errors, String path, CloudEventOverrides overrides) {
        if (overrides == null || overrides.extensions == null) {
            return;
        }
        for (Map.Entry<String, String> e : overrides.extensions.entrySet()) {
            String p = path + ".extensions[" + e.getKey() + "]";
            if (!EXTENSION_NAME.matcher(e.getKey()).matches()) {
                errors.add(p, "extension names must be lowercase letters and digits only");
            } else if (CORE_ATTRIBUTES.contains(e.getKey())) {
                errors.add(p, "must not override the core attribute " + e.getKey());
            }
            if (e.getValue() == null) {
                errors.add(p, "must have a value");
            }
        }
    }

    /**
     * Checks a DeliverySpec: retry ≥ 0, a known backoff policy, ISO-8601 delays and a valid dead-letter sink.
     *
     * @param parentNamespace the namespace of the object that holds it (its dead-letter sink's ref stays there)
     */
    public static void delivery(FieldErrors errors, String path, DeliverySpec delivery, String parentNamespace) {
        if (delivery == null) {
            return;
        }
        if (delivery.retry != null && delivery.retry < 0) {
            errors.add(path + ".retry", "must be 0 or more");
        }
        if (delivery.backoffPolicy != null
                && !Set.of(DeliverySpec.LINEAR, DeliverySpec.EXPONENTIAL).contains(delivery.backoffPolicy)) {
            errors.add(path + ".backoffPolicy", "must be linear or exponential");
        }
        isoDuration(errors, path + ".backoffDelay", delivery.backoffDelay, false);
        isoDuration(errors, path + ".timeout", delivery.timeout, true);
        if (delivery.deadLetterSink != null) {
            destination(errors, path + ".deadLetterSink", delivery.deadLetterSink, parentNamespace);
        }
    }

    /** Checks that a value is one of a fixed set. */
    public static void oneOf(FieldErrors errors, String path, String value, Set<String> allowed, String allowedText) {
        if (value != null && !allowed.contains(value)) {
            errors.add(path, "must be " + allowedText);
        }
    }

    private static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + "h";
        }
        if (d.toSeconds() % 60 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toSeconds() + "s";
    }
}
