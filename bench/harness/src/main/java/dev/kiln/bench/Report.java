package dev.kiln.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The Markdown report: cold starts, class loads, throughput, and the issues' targets checked in the same run. */
final class Report {

    private Report() {
    }

    static String markdown(int rounds, int throughputRounds, int wrkSeconds,
            Map<Variant, List<Runner.ColdStart>> cold, Map<Variant, ClassLoads> classes,
            Map<Variant, List<Runner.Throughput>> load, List<App> apps, List<Jdk> jdks) {
        StringBuilder md = new StringBuilder();
        md.append("JDKs: ").append(jdks.stream().map(j -> j.feature() + " (" + j.home() + ")").toList())
                .append(". Cold start = exec to first 2xx to a binary-mode CloudEvent POST, ").append(rounds)
                .append(" interleaved rounds after one not counted; port open = exec to the first TCP connection accepted (no request);"
                        + " RSS = VmRSS right after the first 2xx; CPU = the process's user + system time by then"
                        + " (10 ms resolution; much less moved by other load on the machine than wall-clock times).\n\n");
        md.append("| variant | min ms | median ms | max ms | port open (median) ms | CPU ms (median) | RSS MiB (median) |\n|---|---|---|---|---|---|---|\n");
        cold.forEach((v, runs) -> md.append(String.format("| %s | %.0f | **%.0f** | %.0f | %.0f | %.0f | %.1f |%n", v.label(),
                min(runs, Runner.ColdStart::firstOkMillis), median(runs, Runner.ColdStart::firstOkMillis),
                max(runs, Runner.ColdStart::firstOkMillis), median(runs, Runner.ColdStart::listenMillis),
                median(runs, Runner.ColdStart::cpuMillis), median(runs, Runner.ColdStart::rssMiB))));
        if (!classes.isEmpty()) {
            md.append("\nClasses loaded before the first reply (one start each, `-Xlog:class+load`, killed at the reply), by library;"
                    + " \"archived\" = mapped from the class archive rather than parsed.\n\n| variant | total | archived |");
            ClassLoads.LIBRARIES.forEach(l -> md.append(' ').append(l[0]).append(" |"));
            md.append("\n|---|---|---|");
            ClassLoads.LIBRARIES.forEach(l -> md.append("---|"));
            md.append('\n');
            classes.forEach((v, c) -> {
                md.append("| ").append(v.label()).append(" | ").append(c.total()).append(" | ").append(c.archived()).append(" |");
                c.byLibrary().values().forEach(n -> md.append(' ').append(n).append(" |"));
                md.append('\n');
            });
        }
        if (!load.isEmpty()) {
            md.append("\nThroughput: fresh process per round, warmed with 2 s wrk windows until the rate held still (see Warm-ups), then"
                    + " `wrk -t1 -c16 -d").append(wrkSeconds).append("s --latency`, ")
                    .append(throughputRounds).append(" rounds, the variants in a new random order each round; server and wrk share the machine.\n\n");
            md.append("| variant | min req/s | median req/s | max req/s | p99 ms (median) | errors | RSS after load MiB |\n|---|---|---|---|---|---|---|\n");
            load.forEach((v, runs) -> md.append(String.format("| %s | %.0f | **%.0f** | %.0f | %.2f | %d | %.0f |%n", v.label(),
                    min(runs, Runner.Throughput::requestsPerSecond), median(runs, Runner.Throughput::requestsPerSecond),
                    max(runs, Runner.Throughput::requestsPerSecond),
                    median(runs, Runner.Throughput::p99Millis), runs.stream().mapToLong(Runner.Throughput::errors).sum(),
                    median(runs, Runner.Throughput::rssMiB))));
        }
        md.append("\nTargets (issue 22; same run, same JDK and archive treatment):\n\n| check | measured | target | met |\n|---|---|---|---|\n");
        App kiln = find(apps, "kiln");
        App bare = find(apps, "jdk-bare");
        App jackson = find(apps, "jdk-jackson");
        App funqy = find(apps, "quarkus-funqy");
        if (kiln == null) {
            return md.append("(targets need the kiln app)\n").toString();
        }
        for (Jdk jdk : jdks) {
            for (boolean archived : new boolean[] {false, true}) {
                Variant k = new Variant(kiln, jdk, archived);
                double kMedian = median(cold.get(k), Runner.ColdStart::firstOkMillis);
                if (bare != null) {
                    Variant b = new Variant(bare, jdk, archived);
                    double ratio = kMedian / median(cold.get(b), Runner.ColdStart::firstOkMillis);
                    row(md, "cold median vs bare-JDK floor, " + k.label(), ratio, archived ? "≤ 1.3×" : "(no target)", !archived || ratio <= 1.3);
                    row(md, "CPU to first reply vs bare-JDK floor, " + k.label(), median(cold.get(k), Runner.ColdStart::cpuMillis)
                            / median(cold.get(b), Runner.ColdStart::cpuMillis), "(evidence)", true);
                }
                if (jackson != null) {
                    double ratio = kMedian / median(cold.get(new Variant(jackson, jdk, archived)), Runner.ColdStart::firstOkMillis);
                    row(md, "cold median vs Jackson floor, " + k.label(), ratio, "(no target)", true);
                }
                if (funqy != null) {
                    double ratio = median(cold.get(new Variant(funqy, jdk, archived)), Runner.ColdStart::firstOkMillis) / kMedian;
                    row(md, "Funqy cold median / Kiln's, " + k.label(), ratio, archived ? "≥ 5×" : "(no target)", !archived || ratio >= 5);
                }
                double rss = median(cold.get(k), Runner.ColdStart::rssMiB);
                md.append(String.format("| RSS after first request, %s | %.1f MiB | %s | %s |%n", k.label(), rss,
                        archived ? "≤ 50 MiB" : "(no target)", !archived ? "–" : rss <= 50 ? "yes" : "**no**"));
            }
        }
        App before = find(apps, "kiln-before");
        for (boolean archived : new boolean[] {false, true}) {
            List<Runner.Throughput> k = load.get(new Variant(kiln, jdks.get(0), archived));
            String label = new Variant(kiln, jdks.get(0), archived).label();
            List<Runner.Throughput> b = before == null ? null : load.get(new Variant(before, jdks.get(0), archived));
            if (k != null && b != null) {
                double ratio = median(k, Runner.Throughput::requestsPerSecond) / median(b, Runner.Throughput::requestsPerSecond);
                row(md, "req/s vs kiln-before, " + label, ratio, "≥ 1× (not lower)", ratio >= 1);
            }
            List<Runner.Throughput> q = funqy == null ? null : load.get(new Variant(funqy, jdks.get(0), archived));
            if (k != null && q != null) {
                double ratio = median(k, Runner.Throughput::requestsPerSecond) / median(q, Runner.Throughput::requestsPerSecond);
                row(md, "req/s vs Funqy, " + label, ratio, "(no target)", true);
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String check, double value, String target, boolean met) {
        md.append(String.format("| %s | %.2f× | %s | %s |%n", check, value, target, target.startsWith("(") ? "–" : met ? "yes" : "**no**"));
    }

    private static App find(List<App> apps, String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }

    static <T> double median(List<T> runs, ToDoubleFunction<T> f) {
        List<Double> v = sorted(runs, f);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static <T> double min(List<T> runs, ToDoubleFunction<T> f) {
        return sorted(runs, f).get(0);
    }

    private static <T> double max(List<T> runs, ToDoubleFunction<T> f) {
        List<Double> v = sorted(runs, f);
        return v.get(v.size() - 1);
    }

    private static <T> List<Double> sorted(List<T> runs, ToDoubleFunction<T> f) {
        List<Double> v = new ArrayList<>();
        runs.forEach(r -> v.add(f.applyAsDouble(r)));
        Collections.sort(v);
        return v;
    }
}
