package dev.kiln.local.observe;

import dev.kiln.eventing.EventingPlane;
import dev.kiln.local.DeadLetterStore;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.sources.send.SourceMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;

/** What the dashboard, {@code kiln events}, {@code kiln trace} and the platform's metrics read of a running {@code kiln dev}. */
public interface Observed {

    /** @return the manifests' resources */
    List<HasMetadata> resources();

    /** @return every resource's state, as {@code kiln get} shows it */
    List<Map<String, Object>> states();

    /** @return the eventing plane (its journeys and counters) */
    EventingPlane plane();

    /** @return the functions, by {@code namespace/name} */
    Map<String, LocalFunction> functions();

    /** @return each running source adapter's counters, by {@code Kind namespace/name} */
    Map<String, SourceMetrics> sources();

    /** @return where dead letters of Brokers without their own sink are kept */
    DeadLetterStore deadLetters();
}
