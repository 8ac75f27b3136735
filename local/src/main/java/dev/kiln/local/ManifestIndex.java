package dev.kiln.local;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.SourceException;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.local.manifests.Manifest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secrets and ConfigMaps among the manifests, and what local mode reads from them as a kubelet or the
 * controller would in a cluster: a Function's {@code spec.env}, its Git credentials, and an adapter's secret
 * variables. Pure: one index per set of manifests, so a reload builds a new one and compares.
 */
public final class ManifestIndex {

    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();

    /** @param manifests the manifests, validated */
    public ManifestIndex(List<Manifest> manifests) {
        for (Manifest m : manifests) {
            if (m.resource() instanceof Secret s) {
                secrets.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
            } else if (m.resource() instanceof ConfigMap c) {
                configMaps.put(key(c.getMetadata().getNamespace(), c.getMetadata().getName()), c);
            }
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /**
     * A Function's environment resolved, or what kept it from resolving.
     *
     * @param values the variables, in {@code spec.env}'s order
     * @param problems one line per reference that does not resolve, each with the manifest and field path
     */
    public record Environment(Map<String, String> values, List<String> problems) {
    }

    /**
     * {@code spec.env} as a cluster's kubelet would hand it over: values, and {@code secretKeyRef} and
     * {@code configMapKeyRef} from the manifests' Secrets and ConfigMaps. The Downward API ({@code fieldRef},
     * {@code resourceFieldRef}) has no meaning without a pod: validation refuses it when the manifests load, and a
     * Function that was not validated gets it reported here, never dropped.
     *
     * @param f the Function
     * @param where its manifest, {@code file#document}, for the problems
     * @return the variables and the problems
     */
    public Environment environment(Function f, String where) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String ns = f.getMetadata().getNamespace();
        for (int i = 0; i < f.getSpec().env.size(); i++) {
            var e = f.getSpec().env.get(i);
            var from = e.getValueFrom();
            try {
                if (from == null) {
                    env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
                } else if (from.getSecretKeyRef() != null) {
                    env.put(e.getName(), secret(ns, from.getSecretKeyRef().getName(), from.getSecretKeyRef().getKey()));
                } else if (from.getConfigMapKeyRef() != null) {
                    var ref = from.getConfigMapKeyRef();
                    ConfigMap c = configMaps.get(key(ns, ref.getName()));
                    if (c == null || c.getData() == null || !c.getData().containsKey(ref.getKey())) {
                        throw new IllegalArgumentException("ConfigMap " + ns + "/" + ref.getName() + " with key " + ref.getKey()
                                + " is not among the manifests");
                    }
                    env.put(e.getName(), c.getData().get(ref.getKey()));
                } else {
                    throw new IllegalArgumentException("valueFrom other than secretKeyRef or configMapKeyRef needs a pod: not in local mode");
                }
            } catch (IllegalArgumentException bad) {
                problems.add(where + " Function " + ns + "/" + f.getMetadata().getName() + ": spec.env[" + i + "].valueFrom: " + bad.getMessage());
            }
        }
        return new Environment(env, problems);
    }

    /**
     * Every Function's environment, as a kubelet would resolve it.
     *
     * @param manifests the manifests this index was made from
     * @return by {@code Function namespace/name}
     * @throws IllegalArgumentException listing every reference that does not resolve, one a line after the first
     */
    public Map<String, Map<String, String>> environments(List<Manifest> manifests) {
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.resource() instanceof Function f) {
                Environment env = environment(f, m.where());
                envs.put(m.describe(), env.values());
                problems.addAll(env.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("function environments do not resolve:\n  " + String.join("\n  ", problems));
        }
        return envs;
    }

    /**
     * A Function's Git credentials, from the Secret its {@code secretRef} names among the manifests.
     *
     * @param f the Function
     * @return the credentials, {@link GitCredentials#NONE} without a {@code secretRef}
     * @throws SourceException ({@code InvalidSource}) when the Secret is not among the manifests or unusable
     */
    public GitCredentials credentials(Function f) throws SourceException {
        var ref = f.getSpec().source.git.secretRef;
        if (ref == null || ref.getName() == null) {
            return GitCredentials.NONE;
        }
        Secret s = secrets.get(key(f.getMetadata().getNamespace(), ref.getName()));
        if (s == null) {
            throw new SourceException(SourceException.Reason.InvalidSource, "secret " + ref.getName()
                    + " (spec.source.git.secretRef) is not among the manifests of namespace " + f.getMetadata().getNamespace(), null);
        }
        return GitCredentials.fromSecret(s);
    }

    /**
     * An adapter's environment with its secret references read, as the Deployment's kubelet would.
     *
     * @param env the adapter's environment
     * @param namespace the source's namespace
     * @return every variable's value
     * @throws IllegalArgumentException naming the Secret or key that is missing
     */
    public Map<String, String> adapterVariables(AdapterEnvironment env, String namespace) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (AdapterEnvironment.Variable v : env.variables()) {
            vars.put(v.name(), v.fromSecret() ? secret(namespace, v.secretName(), v.secretKey()) : v.value());
        }
        return vars;
    }

    /**
     * @param namespace the Secret's namespace
     * @param name its name
     * @param key the key
     * @return the value, from {@code stringData} or base64 {@code data}
     * @throws IllegalArgumentException when the Secret or the key is missing
     */
    public String secret(String namespace, String name, String key) {
        Secret s = secrets.get(key(namespace, name));
        if (s == null) {
            throw new IllegalArgumentException("secret " + namespace + "/" + name + " is not among the manifests: add a Secret with stringData." + key);
        }
        if (s.getStringData() != null && s.getStringData().containsKey(key)) {
            return s.getStringData().get(key);
        }
        if (s.getData() != null && s.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("secret " + namespace + "/" + name + " has no key " + key);
    }
}
