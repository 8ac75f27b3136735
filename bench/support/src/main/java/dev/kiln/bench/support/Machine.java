package dev.kiln.bench.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the machine's CPUs did between two moments, from {@code /proc}: busy time of the whole machine, of the
 * benchmark's own processes, and of everything else. "Everything else" is what disturbs a benchmark: other
 * engineers' builds, an IDE, a browser. Linux only (the benchmarks need {@code /proc} anyway).
 */
public final class Machine {

    /** Clock ticks per second of {@code /proc}'s times (USER_HZ, 100 on every Linux this runs on). */
    static final double TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");

    private Machine() {
    }

    /**
     * One process at one moment.
     *
     * @param pid its id
     * @param ppid its parent's id
     * @param name what it runs, short ({@code comm}, or a hint from its command line)
     * @param ticks user + system time of all its threads (not of its children: a child's whole life lands in its
     *     parent's {@code cutime} when it is reaped, which would count it twice)
     * @param kernel a kernel thread (its work is the kernel's, on anyone's behalf)
     */
    public record Proc(long pid, long ppid, String name, long ticks, boolean kernel) {
    }

    /**
     * The machine at one moment.
     *
     * @param nanos {@link System#nanoTime()} when read
     * @param busyTicks all CPUs' non-idle time since boot
     * @param procs every process, by pid
     */
    public record Sample(long nanos, long busyTicks, Map<Long, Proc> procs) {
    }

    /**
     * What the CPUs did between two samples, in CPUs (1.0 = one CPU busy the whole time).
     *
     * @param seconds the time between the samples
     * @param busy the whole machine
     * @param own the benchmark's processes
     * @param others every other process (not kernel threads)
     * @param top the busiest other processes, busiest first
     */
    public record Load(double seconds, double busy, double own, double others, List<Busy> top) {

        /** @return e.g. "java (pid 123, a Maven build) 0.85 CPU, ..." for the busiest other processes */
        public String describeTop() {
            if (top.isEmpty()) {
                return "none";
            }
            List<String> parts = new ArrayList<>();
            for (Busy b : top) {
                parts.add(String.format(Locale.ROOT, "%s (pid %d) %.2f CPU", b.name(), b.pid(), b.cpus()));
            }
            return String.join(", ", parts);
        }
    }

    /** One other process's share of the CPUs over an interval. */
    public record Busy(long pid, String name, double cpus) {
    }

    /** @return the number of CPUs the kernel schedules on */
    public static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** @return the 1-minute load average, or NaN off Linux */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(PROC.resolve("loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** @return the machine and its processes now */
    public static Sample sample() {
        long busy;
        try {
            busy = busyTicks(Files.readAllLines(PROC.resolve("stat")).get(0));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: the benchmarks' machine check needs Linux", e);
        }
        Map<Long, Proc> procs = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    Proc p = parseStat(Files.readString(dir.resolve("stat")));
                    procs.put(p.pid(), p);
                } catch (IOException | RuntimeException gone) {
                    // The process ended while the directory was listed.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return new Sample(System.nanoTime(), busy, procs);
    }

    /**
     * @param line the first line of {@code /proc/stat}: {@code cpu user nice system idle iowait irq softirq steal ...}
     * @return every CPU's time since boot except idle and iowait (guest time is already inside user)
     */
    static long busyTicks(String line) {
        String[] f = line.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /**
     * @param stat {@code /proc/<pid>/stat}
     * @return the process: fields after the command name (which may hold spaces and parentheses, so split after its
     *     last closing parenthesis): state is field 3, ppid 4, flags 9, utime 14, stime 15
     */
    static Proc parseStat(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        long pid = Long.parseLong(stat.substring(0, open).trim());
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).trim().split(" ");
        long ppid = Long.parseLong(f[1]);
        long flags = Long.parseLong(f[6]);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        boolean kernel = pid == 2 || ppid == 2 || (flags & 0x00200000L) != 0; // PF_KTHREAD
        return new Proc(pid, ppid, comm, ticks, kernel);
    }

    /**
     * What the CPUs did between two samples.
     *
     * @param a the earlier sample
     * @param b the later one
     * @param own the benchmark's own processes (live in {@code b}); everything else that is not a kernel thread is
     *     "others"
     * @return the load over the interval
     */
    public static Load between(Sample a, Sample b, Set<Long> own) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        double scale = TICKS_PER_SECOND * Math.max(seconds, 1e-3);
        long ownTicks = 0;
        List<Busy> others = new ArrayList<>();
        long otherTicks = 0;
        for (Proc p : b.procs().values()) {
            Proc before = a.procs().get(p.pid());
            // A process new since the first sample started inside the interval: all its time is in it.
            long delta = Math.max(0, p.ticks() - (before == null ? 0 : before.ticks()));
            if (delta == 0) {
                continue;
            }
            if (own.contains(p.pid())) {
                ownTicks += delta;
            } else if (!p.kernel()) {
                otherTicks += delta;
                others.add(new Busy(p.pid(), describe(p), delta / scale));
            }
        }
        others.sort(Comparator.comparingDouble(Busy::cpus).reversed());
        return new Load(seconds, Math.max(0, b.busyTicks() - a.busyTicks()) / scale, ownTicks / scale, otherTicks / scale,
                List.copyOf(others.subList(0, Math.min(3, others.size()))));
    }

    /** @return the process's name, with a hint of what it runs for a JVM (its main class or jar) */
    static String describe(Proc p) {
        if (!p.name().equals("java")) {
            return p.name();
        }
        try {
            String[] args = new String(Files.readAllBytes(PROC.resolve(p.pid() + "/cmdline")), StandardCharsets.UTF_8).split("\0");
            return "java " + javaMain(args);
        } catch (IOException | RuntimeException e) {
            return p.name();
        }
    }

    /** @return the main class or jar of a {@code java} command line, shortened (e.g. {@code org.codehaus.plexus.classworlds.launcher.Launcher}) */
    static String javaMain(String[] args) {
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-jar") && i + 1 < args.length) {
                return Path.of(args[i + 1]).getFileName().toString();
            }
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path") || a.equals("-p") || a.equals("--module-path")
                    || a.equals("--add-opens") || a.equals("--add-exports") || a.equals("--add-modules")) {
                i++;
                continue;
            }
            if (!a.startsWith("-")) {
                String main = a.contains("/") ? Path.of(a).getFileName().toString() : a;
                if (main.contains("plexus.classworlds")) {
                    return "(Maven)";
                }
                if (main.contains("surefire") || main.contains("failsafe")) {
                    return "(Maven test fork)";
                }
                return main;
            }
        }
        return "";
    }

    /** @return this process and every live process under it, plus {@code extra} roots and theirs */
    public static Set<Long> tree(Sample s, Set<Long> extraRoots) {
        Map<Long, List<Long>> children = new HashMap<>();
        for (Proc p : s.procs().values()) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
        }
        Set<Long> tree = new java.util.HashSet<>();
        List<Long> todo = new ArrayList<>(extraRoots);
        todo.add(ProcessHandle.current().pid());
        while (!todo.isEmpty()) {
            long pid = todo.remove(todo.size() - 1);
            if (tree.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return tree;
    }
}
