package dev.kiln.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one rule for the labels and annotations of every object Kiln writes and owns (the Knative Service, the
 * adapters' Deployments), on the object and on its pod or revision template:
 *
 * <ul>
 *   <li>keys someone else set stay (an operator's {@code autoscaling.knative.dev/class},
 *       {@code networking.knative.dev/visibility}, a mesh's {@code sidecar.istio.io/inject}, the {@code restartedAt}
 *       of {@code kubectl rollout restart}, a cost-center label);</li>
 *   <li>Kiln's keys have Kiln's values: restored when someone removed them, Kiln's value when someone set another;</li>
 *   <li>a key Kiln set at its last write and no longer sets (a {@code max-scale} the Function dropped) is removed.</li>
 * </ul>
 *
 * <p>Which keys were Kiln's at its last write is recorded on the object, in {@value #OWNED_KEYS}: without it, a key
 * Kiln stopped setting could not be told from someone else's. Server-side apply's {@code managedFields} would
 * record the same; {@code docs/decisions.md} says why Kiln compares and updates instead. For an object written
 * before the record existed, the caller names the keys Kiln wrote until then ({@link #keys}); the first write records.
 */
public final class OwnedMetadata {

    /** The keys Kiln set at its last write, per map: {@code {"labels":[..],"annotations":[..],"template.labels":[..],...}}. */
    public static final String OWNED_KEYS = "kiln.dev/owned-keys";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LABELS = "labels";
    private static final String ANNOTATIONS = "annotations";
    private static final String TEMPLATE = "template.";

    private OwnedMetadata() {
    }

    /**
     * @param labels label keys
     * @param annotations annotation keys
     * @param templateLabels label keys of the pod or revision template
     * @param templateAnnotations annotation keys of the template
     * @return the keys of one object, as recorded
     */
    public static Map<String, Set<String>> keys(Set<String> labels, Set<String> annotations, Set<String> templateLabels,
            Set<String> templateAnnotations) {
        return Map.of(LABELS, labels, ANNOTATIONS, annotations, TEMPLATE + LABELS, templateLabels, TEMPLATE + ANNOTATIONS, templateAnnotations);
    }

    /**
     * What Kiln writes: its desired object's labels and annotations (and its template's) over those of the object in
     * the cluster, by the rule above, with the record of Kiln's keys. The caller sets the spec.
     *
     * @param existing the object in the cluster, or null when it is to be created
     * @param desired what Kiln wants (a pure builder's object; its maps are changed)
     * @param template the object's pod or revision template metadata, or null when it has none
     * @param unrecorded Kiln's keys on an object written before the record ({@link #keys}): every key Kiln could set then
     * @param <T> the kind
     * @return {@code desired} to create, or {@code existing} carrying the merged labels and annotations, to update
     */
    public static <T extends HasMetadata> T writeOver(T existing, T desired, Function<T, ObjectMeta> template,
            Map<String, Set<String>> unrecorded) {
        Map<String, Set<String>> mine = keys(desired, template);
        Map<String, Set<String>> before = existing == null ? Map.of() : recorded(existing, unrecorded);
        ObjectMeta desiredTemplate = template == null ? null : template.apply(desired);
        ObjectMeta existingTemplate = existing == null || template == null ? null : template.apply(existing);
        merge(existing == null ? null : existing.getMetadata(), desired.getMetadata(), "", before);
        if (desiredTemplate != null) {
            merge(existingTemplate, desiredTemplate, TEMPLATE, before);
        }
        desired.getMetadata().getAnnotations().put(OWNED_KEYS, record(mine));
        if (existing == null) {
            return desired;
        }
        existing.getMetadata().setLabels(desired.getMetadata().getLabels());
        existing.getMetadata().setAnnotations(desired.getMetadata().getAnnotations());
        return existing;
    }

    /**
     * @param existing the object in the cluster
     * @param desired what Kiln wants
     * @param template the object's template metadata, or null
     * @param unrecorded Kiln's keys on an object written before the record, as for {@link #writeOver}
     * @param <T> the kind
     * @return whether the cluster's object already holds Kiln's labels and annotations with Kiln's values, and none
     *     that Kiln set before and no longer sets; others' keys are not a difference
     */
    public static <T extends HasMetadata> boolean holds(T existing, T desired, Function<T, ObjectMeta> template,
            Map<String, Set<String>> unrecorded) {
        Map<String, Set<String>> before = recorded(existing, unrecorded);
        if (!holds(existing.getMetadata(), desired.getMetadata(), "", before)) {
            return false;
        }
        ObjectMeta desiredTemplate = template == null ? null : template.apply(desired);
        return desiredTemplate == null || holds(template.apply(existing), desiredTemplate, TEMPLATE, before);
    }

    private static void merge(ObjectMeta existing, ObjectMeta desired, String prefix, Map<String, Set<String>> before) {
        desired.setLabels(merged(existing == null ? null : existing.getLabels(), desired.getLabels(), before.get(prefix + LABELS)));
        desired.setAnnotations(merged(existing == null ? null : existing.getAnnotations(), desired.getAnnotations(),
                before.get(prefix + ANNOTATIONS)));
    }

    private static Map<String, String> merged(Map<String, String> existing, Map<String, String> desired, Set<String> kilnsBefore) {
        Map<String, String> merged = new LinkedHashMap<>(existing == null ? Map.of() : existing);
        if (kilnsBefore != null) {
            merged.keySet().removeAll(kilnsBefore);
        }
        merged.remove(OWNED_KEYS);
        if (desired != null) {
            merged.putAll(desired);
        }
        return merged;
    }

    private static boolean holds(ObjectMeta existing, ObjectMeta desired, String prefix, Map<String, Set<String>> before) {
        return holds(existing == null ? null : existing.getLabels(), desired.getLabels(), before.get(prefix + LABELS))
                && holds(existing == null ? null : existing.getAnnotations(), desired.getAnnotations(), before.get(prefix + ANNOTATIONS));
    }

    private static boolean holds(Map<String, String> existing, Map<String, String> desired, Set<String> kilnsBefore) {
        Map<String, String> have = existing == null ? Map.of() : existing;
        Map<String, String> want = desired == null ? Map.of() : desired;
        if (!have.entrySet().containsAll(want.entrySet())) {
            return false;
        }
        return kilnsBefore == null || kilnsBefore.stream().allMatch(k -> want.containsKey(k) || !have.containsKey(k));
    }

    private static <T extends HasMetadata> Map<String, Set<String>> keys(T object, Function<T, ObjectMeta> template) {
        Map<String, Set<String>> keys = new TreeMap<>();
        keys.put(LABELS, keySet(object.getMetadata().getLabels()));
        keys.put(ANNOTATIONS, keySet(object.getMetadata().getAnnotations()));
        ObjectMeta t = template == null ? null : template.apply(object);
        if (t != null) {
            keys.put(TEMPLATE + LABELS, keySet(t.getLabels()));
            keys.put(TEMPLATE + ANNOTATIONS, keySet(t.getAnnotations()));
        }
        return keys;
    }

    private static Set<String> keySet(Map<String, String> map) {
        Set<String> keys = new TreeSet<>(map == null ? Set.of() : map.keySet());
        keys.remove(OWNED_KEYS);
        return keys;
    }

    private static String record(Map<String, Set<String>> keys) {
        try {
            return JSON.writeValueAsString(keys);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keys Kiln recorded on the object; {@code unrecorded} when it has no record or one Kiln cannot read. */
    private static Map<String, Set<String>> recorded(HasMetadata existing, Map<String, Set<String>> unrecorded) {
        Map<String, String> annotations = existing.getMetadata().getAnnotations();
        String record = annotations == null ? null : annotations.get(OWNED_KEYS);
        if (record == null) {
            return unrecorded;
        }
        try {
            Map<String, List<String>> read = JSON.readValue(record, new com.fasterxml.jackson.core.type.TypeReference<Map<String, List<String>>>() {
            });
            Map<String, Set<String>> keys = new TreeMap<>();
            read.forEach((map, list) -> keys.put(map, new TreeSet<>(list)));
            return keys;
        } catch (JsonProcessingException e) {
            return unrecorded;
        }
    }
}
