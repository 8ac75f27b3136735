package dev.kiln.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.local.manifests.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an edit of the manifests changed, resource by resource ({@code Kind namespace/name}): added, changed (its
 * content, defaults applied, or its working tree), removed. Moving a resource to another file or document is not a
 * change.
 *
 * @param added in the new manifests only
 * @param changed in both, different; the new one
 * @param removed in the old manifests only
 */
public record ManifestChanges(List<Manifest> added, List<Manifest> changed, List<Manifest> removed) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Copies. */
    public ManifestChanges {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
    }

    /**
     * @param before the manifests running
     * @param after the manifests as they are now
     * @return the difference
     */
    public static ManifestChanges between(List<Manifest> before, List<Manifest> after) {
        Map<String, Manifest> old = byResource(before);
        Map<String, Manifest> now = byResource(after);
        List<Manifest> added = new ArrayList<>();
        List<Manifest> changed = new ArrayList<>();
        List<Manifest> removed = new ArrayList<>();
        now.forEach((key, m) -> {
            Manifest was = old.get(key);
            if (was == null) {
                added.add(m);
            } else if (!same(was, m)) {
                changed.add(m);
            }
        });
        old.forEach((key, m) -> {
            if (!now.containsKey(key)) {
                removed.add(m);
            }
        });
        return new ManifestChanges(added, changed, removed);
    }

    /** @return whether nothing changed */
    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    /** @return {@code +added ~changed -removed}, each as {@code Kind namespace/name} */
    public String summary() {
        List<String> parts = new ArrayList<>();
        added.forEach(m -> parts.add("+" + m.describe()));
        changed.forEach(m -> parts.add("~" + m.describe()));
        removed.forEach(m -> parts.add("-" + m.describe()));
        return parts.isEmpty() ? "no change" : String.join(", ", parts);
    }

    private static Map<String, Manifest> byResource(List<Manifest> manifests) {
        Map<String, Manifest> map = new LinkedHashMap<>();
        manifests.forEach(m -> map.put(m.describe(), m));
        return map;
    }

    private static boolean same(Manifest a, Manifest b) {
        return Objects.equals(a.workingTree(), b.workingTree()) && json(a).equals(json(b));
    }

    private static String json(Manifest m) {
        try {
            return JSON.writeValueAsString(JSON.valueToTree(m.resource()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + m.describe() + ": " + e.getMessage(), e);
        }
    }
}
