package dev.kiln.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import dev.kiln.local.manifests.Manifest;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.Sequence;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an edit of the manifests does to the running Functions and the eventing plane, decided from the manifests
 * alone (pure; {@link DevPlatform#reload} carries it out, in this order):
 * <ul>
 *   <li>Functions: a removed one drains; a new one starts; a changed one keeps its activator and URL and rolls a new
 *       version, built again when its source or {@code spec.build} changed ({@link #rebuilt}), else the serving one
 *       started again ({@link #restarted}) when its spec or its resolved environment changed.</li>
 *   <li>The plane: removed resources deleted, added and changed ones applied; when Functions came or went, Triggers
 *       and flows are applied again, so a ref resolves to what exists now; when a ConfigMap changed, Brokers are
 *       applied again (durable ones read theirs).</li>
 * </ul>
 * Sources are left to {@link SourceAdapters#reload}: whether one starts again depends on its sink as the plane
 * resolves it after this plan.
 *
 * @param stopped the Functions that drain, {@code namespace/name}
 * @param started the new Functions
 * @param rebuilt the Functions whose versions now come from another source or build
 * @param restarted the Functions whose serving version starts again, with a new spec or environment
 * @param deleted the plane's resources to delete
 * @param applied the plane's resources to apply, in order
 */
record ReloadPlan(List<String> stopped, List<Manifest> started, List<Manifest> rebuilt, List<Manifest> restarted,
        List<HasMetadata> deleted, List<HasMetadata> applied) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What runs now, as the plan needs it. */
    interface Running {
        /**
         * @param id {@code namespace/name}
         * @return the environment the Function runs with, or null when it does not run
         */
        Map<String, String> environment(String id);
    }

    /**
     * @param before the manifests running
     * @param changes the difference with the new ones
     * @param after the new manifests, validated
     * @param environments every new Function's environment, by {@code Function namespace/name}
     * @param running what runs now
     * @return the plan
     */
    static ReloadPlan of(List<Manifest> before, ManifestChanges changes, List<Manifest> after, Map<String, Map<String, String>> environments,
            Running running) {
        Map<String, Manifest> was = new LinkedHashMap<>();
        before.forEach(m -> was.put(m.describe(), m));
        List<String> stopped = new ArrayList<>();
        List<Manifest> started = new ArrayList<>();
        List<Manifest> rebuilt = new ArrayList<>();
        List<Manifest> restarted = new ArrayList<>();
        for (Manifest m : changes.removed()) {
            if (m.resource() instanceof Function) {
                stopped.add(id(m.resource()));
            }
        }
        for (Manifest m : after) {
            if (!(m.resource() instanceof Function f)) {
                continue;
            }
            Map<String, String> runs = running.environment(id(f));
            if (runs == null) {
                started.add(m);
            } else if (!sameSource(was.get(m.describe()), m)) {
                rebuilt.add(m);
            } else if (changes.changed().contains(m) || !environments.get(m.describe()).equals(runs)) {
                restarted.add(m);
            }
        }
        boolean functionsCameOrWent = !stopped.isEmpty() || !started.isEmpty();

        List<HasMetadata> deleted = new ArrayList<>();
        List<HasMetadata> applied = new ArrayList<>();
        boolean configMapsChanged = false;
        for (Manifest m : changes.removed()) {
            if (onThePlane(m.resource())) {
                deleted.add(m.resource());
                configMapsChanged |= m.resource() instanceof ConfigMap;
            }
        }
        Set<String> appliedIds = new HashSet<>();
        List<Manifest> addedOrChanged = new ArrayList<>(changes.added());
        addedOrChanged.addAll(changes.changed());
        for (Manifest m : addedOrChanged) {
            if (onThePlane(m.resource())) {
                applied.add(m.resource());
                appliedIds.add(m.describe());
                configMapsChanged |= m.resource() instanceof ConfigMap;
            }
        }
        for (Manifest m : after) {
            HasMetadata r = m.resource();
            boolean refs = r instanceof Trigger || r instanceof Sequence || r instanceof Parallel;
            if (!appliedIds.contains(m.describe()) && (refs && functionsCameOrWent || r instanceof Broker && configMapsChanged)) {
                applied.add(r);
            }
        }
        return new ReloadPlan(stopped, started, rebuilt, restarted, deleted, applied);
    }

    /** @return whether the resource is a source (its adapter runs beside the plane) */
    static boolean isSource(HasMetadata r) {
        return r instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec;
    }

    /** @return whether the plane runs it: Brokers, Triggers, Sequences, Parallels, and ConfigMaps (durable Brokers read theirs) */
    static boolean onThePlane(HasMetadata r) {
        return !(r instanceof Function) && !(r instanceof Secret) && !isSource(r);
    }

    /** @return {@code namespace/name} */
    static String id(HasMetadata r) {
        return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    /** @return whether a Function's versions come from the same place and are built the same way */
    private static boolean sameSource(Manifest a, Manifest b) {
        Function fa = (Function) a.resource();
        Function fb = (Function) b.resource();
        return Objects.equals(a.workingTree(), b.workingTree()) && JSON.valueToTree(fa.getSpec().source).equals(JSON.valueToTree(fb.getSpec().source))
                && JSON.valueToTree(fa.getSpec().build).equals(JSON.valueToTree(fb.getSpec().build));
    }
}
