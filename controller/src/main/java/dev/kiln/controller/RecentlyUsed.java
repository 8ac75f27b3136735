package dev.kiln.controller;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The controller's memories of its objects (resolved commits, detected strategies, registered hooks) are caches:
 * losing an entry costs one more {@code ls-remote}, export or API call. Without a finalizer the controller is not
 * told when an object goes, so the caches keep the most recently used entries up to a bound instead of being
 * emptied on deletion.
 */
public final class RecentlyUsed {

    /** Far above the Functions one controller reconciles; an entry is a few hundred bytes. */
    public static final int ENTRIES = 10_000;

    private RecentlyUsed() {
    }

    /** @return a synchronized map that drops its least recently used entry past {@link #ENTRIES} */
    public static <K, V> Map<K, V> map() {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > ENTRIES;
            }
        });
    }
}
