package dev.kiln.bench.support;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * async-profiler (Maven Central's {@code tools.profiler:async-profiler:<v>:linux-x64}, a jar holding its Java API and
 * its native agent) in the benchmark's own JVM, or as {@code -agentpath:} for a JVM the benchmark starts. A benchmark
 * that profiles puts that jar on its class path; this class finds it there by reflection so the support module stays
 * JDK-only.
 *
 * <p>A profile is written as async-profiler's collapsed stacks ({@code .collapsed}, one line per stack with its sample
 * count) and as a flame graph ({@code .html}); {@link #summary} reads the collapsed file back into the shares the
 * report shows: where the samples' own frames are, and which layers (Netty's HTTP codec, the CloudEvents SDK, the
 * kernel...) the samples pass through.
 */
public final class Profiler {

    private static final String RESOURCE = "linux-x64/libasyncProfiler.so";

    private final Object instance;
    private final Method execute;
    private final Path library;

    private Profiler(Object instance, Method execute, Path library) {
        this.instance = instance;
        this.execute = execute;
        this.library = library;
    }

    /**
     * @return the profiler for this JVM
     * @throws IllegalStateException when async-profiler's jar is not on the class path, or its agent does not load
     */
    public static Profiler inThisJvm() {
        Path lib = agentLibrary();
        try {
            Class<?> type = Class.forName("one.profiler.AsyncProfiler");
            Object instance = type.getMethod("getInstance", String.class).invoke(null, lib.toString());
            return new Profiler(instance, type.getMethod("execute", String.class), lib);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("async-profiler did not load from " + lib + ": " + e, e);
        }
    }

    /**
     * @return the native agent, copied out of async-profiler's jar on the class path (for {@code -agentpath:})
     * @throws IllegalStateException when the jar is not on the class path
     */
    public static Path agentLibrary() {
        try (InputStream in = Profiler.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: add tools.profiler:async-profiler:<version>:linux-x64");
            }
            Path lib = Files.createTempFile("libasyncProfiler", ".so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            lib.toFile().deleteOnExit();
            return lib;
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy async-profiler's agent: " + e, e);
        }
    }

    /** @return the native agent this profiler loaded */
    public Path library() {
        return library;
    }

    /**
     * Starts profiling.
     *
     * @param event {@code cpu} (falls back to a timer where perf events are not allowed), {@code wall}, {@code alloc},
     *     {@code lock}
     * @return async-profiler's answer
     */
    public String start(String event) {
        String interval = switch (event) {
            case "alloc" -> ",alloc=64k";
            case "cpu", "itimer", "ctimer" -> ",interval=1ms";
            case "wall" -> ",interval=5ms";
            default -> "";
        };
        return execute("start,threads,event=" + event + interval);
    }

    /**
     * Stops profiling and writes the profile twice: collapsed stacks and a flame graph beside them.
     *
     * @param base the files' path without extension
     * @return the collapsed stacks file
     */
    public Path stop(Path base) {
        try {
            Files.createDirectories(base.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path collapsed = Path.of(base + ".collapsed");
        execute("stop,file=" + collapsed);
        execute("dump,file=" + base + ".html");
        return collapsed;
    }

    private String execute(String command) {
        try {
            return String.valueOf(execute.invoke(instance, command));
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("async-profiler refused '" + command + "': " + cause.getMessage(), cause);
        }
    }

    /**
     * What a profile says, in the shares a report shows.
     *
     * @param samples samples in the profile (for {@code alloc}: sampled bytes, as async-profiler weighs them)
     * @param topSelf the frames with the most samples of their own, most first, with their share
     * @param layers for each layer, the share of samples whose stack passes through it
     * @param threads the busiest threads (profiles taken with {@code threads}), most first, with their share
     * @param origins whose code the samples' own (leaf) frames are: the kernel, Netty, Vert.x, Kiln, the JDK... (each
     *     sample counts once), most first
     */
    public record Summary(long samples, Map<String, Double> topSelf, Map<String, Double> layers, Map<String, Double> threads,
            Map<String, Double> origins) {

        /** @return a Markdown table of the layers and one of the top frames */
        public String markdown() {
            StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%d samples.%n%n| own frame's origin | share |%n|---|---|%n", samples));
            origins.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", k, 100 * v)));
            md.append("\n| layer (stack passes through) | share |\n|---|---|\n");
            layers.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", k, 100 * v)));
            if (!threads.isEmpty()) {
                md.append("\n| thread | share |\n|---|---|\n");
                threads.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", k, 100 * v)));
            }
            md.append("\n| frame (own samples) | share |\n|---|---|\n");
            topSelf.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n", k.replace("|", "\\|"), 100 * v)));
            return md.toString();
        }
    }

    /**
     * Reads collapsed stacks ({@code frame;frame;...;leaf count} per line).
     *
     * @param collapsed the file {@link #stop} wrote
     * @param layers named layers, each the frame prefixes that put a stack in it (e.g. "Netty HTTP codec" →
     *     {@code io/netty/handler/codec/http}); a stack counts once per layer
     * @param top how many leaf frames to list
     * @return the profile's shares
     * @throws IOException when the file cannot be read
     */
    public static Summary summary(Path collapsed, Map<String, List<String>> layers, int top) throws IOException {
        long total = 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> origin = new HashMap<>();
        Map<String, Long> through = new LinkedHashMap<>();
        layers.keySet().forEach(k -> through.put(k, 0L));
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1).trim());
            String stack = line.substring(0, space);
            total += count;
            String leaf = stack.substring(stack.lastIndexOf(';') + 1);
            if (stack.startsWith("[")) {
                // With "threads" the root frame names the thread: "[vert.x-eventloop-thread-0 tid=123]"; numbered pools are one row.
                String thread = stack.substring(1, Math.max(1, stack.indexOf(']'))).replaceAll(" tid=\\d+", "");
                byThread.merge(thread, count, Long::sum);
            }
            self.merge(leaf, count, Long::sum);
            origin.merge(origin(leaf), count, Long::sum);
            for (Map.Entry<String, List<String>> layer : layers.entrySet()) {
                if (layer.getValue().stream().anyMatch(stack::contains)) {
                    through.merge(layer.getKey(), count, Long::sum);
                }
            }
        }
        long all = Math.max(1, total);
        Map<String, Double> topSelf = new LinkedHashMap<>();
        List<Map.Entry<String, Long>> leaves = new ArrayList<>(self.entrySet());
        leaves.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> e : leaves.subList(0, Math.min(top, leaves.size()))) {
            topSelf.put(e.getKey(), (double) e.getValue() / all);
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        through.forEach((k, v) -> shares.put(k, (double) v / all));
        Map<String, Double> threads = new LinkedHashMap<>();
        byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> threads.put(e.getKey(), (double) e.getValue() / all));
        Map<String, Double> origins = new LinkedHashMap<>();
        origin.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> origins.put(e.getKey(), (double) e.getValue() / all));
        return new Summary(total, topSelf, shares, threads, origins);
    }

    /** @return whose code a leaf frame is, by async-profiler's naming ({@code _[k]} kernel, {@code a/b/C.m} Java) */
    static String origin(String leaf) {
        if (leaf.endsWith("_[k]")) {
            return "kernel";
        }
        String[][] prefixes = {{"io/netty/", "Netty"}, {"io/vertx/", "Vert.x"}, {"dev/kiln/bench/", "the benchmark (subscriber, sender)"},
            {"dev/kiln/", "Kiln"}, {"io/cloudevents/", "CloudEvents SDK"}, {"com/fasterxml/", "Jackson"}, {"java/", "JDK"}, {"jdk/", "JDK"},
            {"sun/", "JDK"}};
        for (String[] p : prefixes) {
            if (leaf.startsWith(p[0])) {
                return p[1];
            }
        }
        return leaf.contains("/") && !leaf.startsWith("[") ? "other Java" : "JVM and native (GC, JIT, libc)";
    }
}
