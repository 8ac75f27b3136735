package dev.kiln.controller.functions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The controller's memories of Functions (resolved commits, detected strategies) are caches: losing an entry costs
 * one more {@code ls-remote} or export. Without a finalizer the controller is not told when a Function goes, so the
 * caches keep the most recently used entries up to a bound instead of being emptied on deletion.
 */
final class RecentlyUsed {

    /** Far above the Functions one controller reconciles; an entry is a few hundred bytes. */
    static final int ENTRIES = 10_000;

    private RecentlyUsed() {
    }

    static <K, V> Map<K, V> map() {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > ENTRIES;
            }
        });
    }
}
