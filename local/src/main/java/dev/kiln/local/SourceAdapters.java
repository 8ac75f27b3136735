package dev.kiln.local;

import dev.kiln.api.duck.Destination;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import dev.kiln.contract.adapter.AdapterEnvironment;
import dev.kiln.local.manifests.Manifest;
import dev.kiln.sources.RunningAdapter;
import dev.kiln.sources.send.SourceMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The sources' adapters, each running in {@code kiln dev}'s process from the environment its Deployment would get
 * in a cluster: its sink (and a KafkaSource's dead-letter sink) resolved by the plane, its secrets read from the
 * manifests, and {@code kiln dev}'s own {@code OTEL_*} settings (an adapter traces when the plane does). An adapter
 * that cannot start is kept as a problem, shown by {@code kiln get}, and tried again at the next reload.
 */
final class SourceAdapters implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SourceAdapters.class.getName());
    /** Where {@link #variables} keeps the adapter's kind. */
    private static final String KIND = "kiln.adapter.kind";

    /** Resolves a sink as the plane does. */
    interface Sinks {
        /**
         * @param destination a sink
         * @param namespace the source's namespace
         * @return its URL
         * @throws RuntimeException when it does not resolve
         */
        URI resolve(Destination destination, String namespace);
    }

    private final Sinks sinks;
    private final Supplier<ManifestIndex> index;
    private final Map<String, String> processEnvironment;
    private final Map<String, RunningAdapter> adapters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> variables = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    /**
     * @param sinks the plane's resolution
     * @param index the manifests' Secrets as they are now
     * @param processEnvironment {@code kiln dev}'s environment, for its {@code OTEL_*} settings
     */
    SourceAdapters(Sinks sinks, Supplier<ManifestIndex> index, Map<String, String> processEnvironment) {
        this.sinks = sinks;
        this.index = index;
        this.processEnvironment = processEnvironment;
    }

    /** Starts the adapter of every source among the manifests. */
    void start(List<Manifest> manifests) {
        for (Manifest m : manifests) {
            if (ReloadPlan.isSource(m.resource())) {
                start(m.resource());
            }
        }
    }

    /**
     * After an edit: a removed source stops; a new or changed one, one whose secrets or resolved sink changed, and
     * one that did not start, start again.
     *
     * @param changes the edit
     * @param after the manifests as they are now
     */
    void reload(ManifestChanges changes, List<Manifest> after) {
        for (Manifest m : changes.removed()) {
            if (ReloadPlan.isSource(m.resource())) {
                stop(m.describe());
            }
        }
        for (Manifest m : after) {
            if (ReloadPlan.isSource(m.resource()) && (changes.added().contains(m) || changes.changed().contains(m)
                    || problems.containsKey(m.describe()) || !variablesNow(m.resource()).equals(variables.get(m.describe())))) {
                stop(m.describe());
                start(m.resource());
            }
        }
    }

    /**
     * @param id {@code Kind namespace/name}
     * @return the adapter's state for {@code kiln get}
     */
    StatusTable.Adapter state(String id) {
        RunningAdapter a = adapters.get(id);
        return new StatusTable.Adapter(a == null ? null : a.port(), problems.get(id));
    }

    /** @return each running adapter's counters, by {@code Kind namespace/name} */
    Map<String, SourceMetrics> metrics() {
        Map<String, SourceMetrics> all = new LinkedHashMap<>();
        adapters.forEach((id, a) -> all.put(id, a.metrics()));
        return all;
    }

    /**
     * A source's adapter environment, as its Deployment would get it in a cluster: its resolved sink (and dead-letter
     * sink), and its secrets read from the manifests.
     *
     * @throws RuntimeException when a sink does not resolve or a secret is missing
     */
    private Map<String, String> variables(HasMetadata source) {
        SourceSpec spec = (SourceSpec) ((CustomResource<?, ?>) source).getSpec();
        String namespace = source.getMetadata().getNamespace();
        String sink = sinks.resolve(spec.sink, namespace).toString();
        String dls = null;
        if (source instanceof KafkaSource k && k.getSpec().delivery != null && k.getSpec().delivery.deadLetterSink != null) {
            dls = sinks.resolve(k.getSpec().delivery.deadLetterSink, namespace).toString();
        }
        AdapterEnvironment env = AdapterEnvironment.of(source, sink, dls);
        Map<String, String> vars = new LinkedHashMap<>(index.get().adapterVariables(env, namespace));
        vars.put(KIND, env.kind());
        return vars;
    }

    /** @return the adapter's variables as they would be now, or empty when they cannot be made (it starts again) */
    private Map<String, String> variablesNow(HasMetadata source) {
        try {
            return Map.copyOf(variables(source));
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private void start(HasMetadata source) {
        String id = source.getKind() + " " + source.getMetadata().getNamespace() + "/" + source.getMetadata().getName();
        try {
            Map<String, String> vars = variables(source);
            variables.put(id, Map.copyOf(vars));
            String kind = vars.remove(KIND);
            vars.put("HOST", "127.0.0.1");
            vars.put("PORT", "0");
            processEnvironment.forEach((k, v) -> {
                if (k.startsWith("OTEL_")) {
                    vars.putIfAbsent(k, v);
                }
            });
            adapters.put(id, RunningAdapter.start(kind, vars));
            problems.remove(id);
        } catch (Exception e) {
            problems.put(id, String.valueOf(e.getMessage()));
            LOG.warning(id + " did not start: " + e.getMessage());
        }
    }

    private void stop(String id) {
        problems.remove(id);
        variables.remove(id);
        RunningAdapter a = adapters.remove(id);
        if (a != null) {
            try {
                a.close();
            } catch (Exception e) {
                LOG.fine(id + ": adapter close: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        for (RunningAdapter a : adapters.values()) {
            try {
                a.close();
            } catch (Exception e) {
                LOG.fine("adapter close: " + e.getMessage());
            }
        }
    }
}
