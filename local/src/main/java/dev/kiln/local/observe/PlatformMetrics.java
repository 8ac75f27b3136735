package dev.kiln.local.observe;

import dev.kiln.local.functions.ColdStarts;
import dev.kiln.local.functions.LocalFunction;
import java.util.Map;

/**
 * {@code kiln dev}'s own Prometheus text, served on its local API beside the plane's: per function, the instances
 * running and the cold starts measured ({@code kiln_function_cold_start_seconds}, a summary with its 0.5 and 0.9
 * quantiles over the last starts, plus the latest), then the eventing plane's series.
 */
final class PlatformMetrics {

    private PlatformMetrics() {
    }

    static String render(Observed platform) {
        Map<String, LocalFunction> functions = platform.functions();
        StringBuilder out = new StringBuilder();
        out.append("# HELP kiln_function_instances instances of a function serving\n# TYPE kiln_function_instances gauge\n");
        functions.forEach((id, f) -> out.append("kiln_function_instances{").append(labels(id)).append("} ").append(f.status().instances()).append('\n'));
        out.append("# HELP kiln_function_cold_start_seconds an instance's start, from launching its JVM to ready\n")
                .append("# TYPE kiln_function_cold_start_seconds summary\n");
        functions.forEach((id, f) -> {
            ColdStarts.Summary s = f.coldStarts().summary();
            if (s != null) {
                String l = labels(id);
                out.append("kiln_function_cold_start_seconds{").append(l).append(",quantile=\"0.5\"} ").append(s.medianMillis() / 1000.0).append('\n');
                out.append("kiln_function_cold_start_seconds{").append(l).append(",quantile=\"0.9\"} ").append(s.p90Millis() / 1000.0).append('\n');
                out.append("kiln_function_cold_start_seconds_sum{").append(l).append("} ").append(f.coldStarts().sumMillis() / 1000.0).append('\n');
                out.append("kiln_function_cold_start_seconds_count{").append(l).append("} ").append(s.count()).append('\n');
            }
        });
        out.append("# HELP kiln_function_cold_start_last_seconds the latest cold start\n# TYPE kiln_function_cold_start_last_seconds gauge\n");
        functions.forEach((id, f) -> {
            ColdStarts.Summary s = f.coldStarts().summary();
            if (s != null) {
                out.append("kiln_function_cold_start_last_seconds{").append(labels(id)).append("} ").append(s.lastMillis() / 1000.0).append('\n');
            }
        });
        out.append(platform.plane().metrics().render());
        return out.toString();
    }

    private static String labels(String id) {
        int slash = id.indexOf('/');
        return "namespace=\"" + id.substring(0, slash) + "\",function=\"" + id.substring(slash + 1) + "\"";
    }
}
