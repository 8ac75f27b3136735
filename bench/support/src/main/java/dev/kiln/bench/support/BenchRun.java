package dev.kiln.bench.support;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rules every benchmark in {@code bench/} runs under, in one place (issue 23):
 * <ul>
 * <li><b>the machine is checked before the run</b>: other processes' CPU is sampled for {@code --idle-seconds} (3);
 *     above {@code --max-busy} CPUs (0.1) the benchmark refuses to start (exit 3) unless {@code --busy-ok} is given
 *     (or {@code KILN_BENCH_BUSY_OK=1}), and then the report says, first thing, that the run is flagged and what was
 *     busy;</li>
 * <li><b>and watched during it</b>: other processes' CPU every second, in the report beside the benchmark's own; a
 *     run that was disturbed on average is flagged too, even when it started quiet;</li>
 * <li><b>scenarios run in an order drawn from a printed seed</b> ({@link #shuffled}; {@code --seed N} repeats it), so
 *     no scenario is always the first in a cold JVM or the last on a tired machine;</li>
 * <li><b>each scenario is warmed to a steady state detected from the data</b> ({@link #steady}, {@link SteadyState};
 *     {@code --steady-tolerance 0.05 --steady-windows 3 --steady-max-windows 20}), and the report lists every warm-up
 *     with its verdict.</li>
 * </ul>
 * Runs and their min/median/max are {@link Summary}'s. A benchmark calls {@link #begin} first thing in {@code main}, with
 * its arguments; the common options are taken out, the rest are its own ({@link #args()}).
 */
public final class BenchRun implements AutoCloseable {

    /** Exit status of a benchmark that refused to run on a busy machine. */
    public static final int BUSY_EXIT = 3;

    private final String name;
    private final String[] args;
    private final long seed;
    private final Random random;
    private final boolean busyOk;
    private final double maxBusy;
    private final SteadyState.Rule rule;
    private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    private final Machine.Load before;
    private final double loadBefore;
    private final Set<Long> extraRoots = ConcurrentHashMap.newKeySet();
    private final List<Machine.Load> during = new CopyOnWriteArrayList<>();
    private final List<String[]> warmups = new CopyOnWriteArrayList<>();
    private final Thread watcher;
    private volatile boolean closed;

    private BenchRun(String name, String[] args, long seed, boolean busyOk, double maxBusy, SteadyState.Rule rule, Machine.Load before,
            double loadBefore) {
        this.name = name;
        this.args = args;
        this.seed = seed;
        this.random = new Random(seed);
        this.busyOk = busyOk;
        this.maxBusy = maxBusy;
        this.rule = rule;
        this.before = before;
        this.loadBefore = loadBefore;
        this.watcher = new Thread(this::watch, "bench-machine-watch");
        this.watcher.setDaemon(true);
    }

    /**
     * Checks the machine and starts watching it. On a busy machine without {@code --busy-ok} this prints why and exits
     * the JVM with {@link #BUSY_EXIT}.
     *
     * @param name the benchmark, e.g. {@code bench/run-eventing}
     * @param args the command line; the common options are taken out
     * @return the run
     * @throws InterruptedException when interrupted while sampling the machine
     */
    public static BenchRun begin(String name, String[] args) throws InterruptedException {
        Common common = Common.parse(args);
        Machine.Sample a = Machine.sample();
        Thread.sleep(Math.round(common.idleSeconds * 1000));
        Machine.Sample b = Machine.sample();
        Machine.Load load = Machine.between(a, b, Machine.tree(b, Set.of()));
        double loadAverage = Machine.loadAverage();
        String verdict = verdict(load, loadAverage, common.maxBusy);
        if (verdict != null && !common.busyOk) {
            System.err.println(name + ": refusing to measure on a busy machine: " + verdict + ".\n"
                    + "Rerun when the machine is quiet, or pass --busy-ok (KILN_BENCH_BUSY_OK=1) to measure anyway: the report is then flagged.");
            System.exit(BUSY_EXIT);
        }
        if (verdict != null) {
            System.err.println(name + ": the machine is busy (" + verdict + "); measuring anyway (--busy-ok), the report is flagged");
        }
        BenchRun run = new BenchRun(name, common.rest.toArray(String[]::new), common.seed, common.busyOk, common.maxBusy,
                common.rule, load, loadAverage);
        System.err.printf(Locale.ROOT, "%s: order seed %d (--seed %d repeats it)%n", name, run.seed, run.seed);
        run.watcher.start();
        return run;
    }

    /** @return why the machine counts as busy, or null when it is quiet */
    static String verdict(Machine.Load load, double loadAverage, double maxBusy) {
        if (load.others() <= maxBusy) {
            return null;
        }
        return String.format(Locale.ROOT, "other processes used %.2f of %d CPUs over %.0f s (over %.2f allowed; load average %.1f): %s",
                load.others(), Machine.cpus(), load.seconds(), maxBusy, loadAverage, load.describeTop());
    }

    /** @return the benchmark's own arguments (the common ones taken out) */
    public String[] args() {
        return args.clone();
    }

    /**
     * @return the benchmark's own arguments as {@code --name value} pairs, by name without the dashes, in their order
     *     (a later value of a name wins)
     */
    public java.util.Map<String, String> options() {
        java.util.Map<String, String> opts = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return opts;
    }

    /** @return the seed the order is drawn from */
    public long seed() {
        return seed;
    }

    /** @return the random source for anything else the benchmark draws (seeded, so repeatable) */
    public Random random() {
        return random;
    }

    /** @return the steady-state rule in force */
    public SteadyState.Rule rule() {
        return rule;
    }

    /**
     * Counts a process the benchmark started outside its own process tree (a daemon started by a script) as its own.
     *
     * @param pid the process; its children count too
     */
    public void own(long pid) {
        extraRoots.add(pid);
    }

    /**
     * @param items scenarios, variants...
     * @return them in an order drawn from the run's seed
     */
    public <T> List<T> shuffled(List<T> items) {
        List<T> order = new ArrayList<>(items);
        Collections.shuffle(order, random);
        return order;
    }

    /**
     * Warms a scenario to a steady state with this run's rule, and records the verdict for the report.
     *
     * @param label the scenario
     * @param window one window of its load, returning its rate
     * @return how the warm-up went
     * @throws Exception what a window threw
     */
    public SteadyState.Result steady(String label, SteadyState.Window window) throws Exception {
        SteadyState.Result r = SteadyState.warm(rule, window);
        warmups.add(new String[] {label, r.describe()});
        System.err.println("  warm-up " + label + ": " + r.describe());
        return r;
    }

    /** Records a warm-up the benchmark ran itself (e.g. a discarded first round of one-shot measurements). */
    public void warmedUp(String label, String how) {
        warmups.add(new String[] {label, how});
    }

    /** @return whether the machine was busy before or, on average, during the run */
    public boolean flagged() {
        return verdict(before, loadBefore, maxBusy) != null || meanOthers() > maxBusy;
    }

    private Summary othersDuring() {
        List<Double> v = new ArrayList<>();
        during.forEach(l -> v.add(l.others()));
        return Summary.of(v);
    }

    private double meanOthers() {
        return during.stream().mapToDouble(Machine.Load::others).average().orElse(0);
    }

    /**
     * @return the report's opening: when, where, what command, the order's seed, and the machine before and during the
     *     run (flagged first thing when it was busy)
     */
    public String header() {
        StringBuilder md = new StringBuilder();
        if (flagged()) {
            md.append("> **Flagged: the machine was busy while this ran.** Its figures are not comparable with a quiet run's; read them"
                    + " side by side within this run only.\n\n");
        }
        String command = System.getenv().getOrDefault("KILN_BENCH_COMMAND", name + " " + String.join(" ", args));
        md.append(String.format(Locale.ROOT, "Run of %s UTC on %d CPUs (%s %s, JDK %s): `%s`. Order seed %d (`--seed %d` repeats the order).%n%n",
                started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), Machine.cpus(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), command.strip(), seed, seed));
        md.append(machine()).append("\n\n");
        return md.toString();
    }

    /** @return the machine before and during the run, one paragraph */
    public String machine() {
        String b = verdict(before, loadBefore, maxBusy);
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Machine: before the run, other processes used %.2f CPU over %.0f s"
                + " (load average %.1f)%s.", before.others(), before.seconds(), loadBefore,
                b == null ? ": quiet" : ", **busy** (" + before.describeTop() + ")" + (busyOk ? "; measured anyway (--busy-ok)" : "")));
        if (!during.isEmpty()) {
            Summary others = othersDuring();
            double own = during.stream().mapToDouble(Machine.Load::own).average().orElse(0);
            Machine.Load worst = during.stream().max(java.util.Comparator.comparingDouble(Machine.Load::others)).orElseThrow();
            long over = during.stream().filter(l -> l.others() > maxBusy).count();
            md.append(String.format(Locale.ROOT, " During the run (%d s): other processes used %.2f CPU on average (median %.2f, max %.2f in one"
                            + " second: %s), over %.2f in %d%% of the seconds; the benchmark's own processes %.2f.", during.size(), meanOthers(),
                    others.median(), others.max(), worst.describeTop(), maxBusy, 100 * over / during.size(), own));
        }
        return md.toString();
    }

    /** @return the warm-ups as a Markdown table, or empty when there was none */
    public String warmupTable() {
        if (warmups.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("| warm-up | verdict |\n|---|---|\n");
        for (String[] w : warmups) {
            md.append("| ").append(w[0]).append(" | ").append(w[1]).append(" |\n");
        }
        return md.toString();
    }

    private void watch() {
        Machine.Sample last = Machine.sample();
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            Machine.Sample now = Machine.sample();
            during.add(Machine.between(last, now, Machine.tree(now, extraRoots)));
            last = now;
        }
    }

    /** Stops watching the machine (the figures so far stay in the report). */
    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }

    /** The options every benchmark takes. */
    static final class Common {
        boolean busyOk = "1".equals(System.getenv("KILN_BENCH_BUSY_OK")) || "true".equals(System.getenv("KILN_BENCH_BUSY_OK"));
        long seed = System.nanoTime() % 100_000;
        double maxBusy = 0.1;
        double idleSeconds = 3;
        SteadyState.Rule rule = SteadyState.Rule.DEFAULT;
        final List<String> rest = new ArrayList<>();

        static Common parse(String[] args) {
            Common c = new Common();
            double tolerance = c.rule.tolerance();
            int windows = c.rule.windows();
            int maxWindows = c.rule.maxWindows();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--busy-ok" -> {
                        boolean valued = i + 1 < args.length && (args[i + 1].equals("true") || args[i + 1].equals("false"));
                        c.busyOk = !valued || Boolean.parseBoolean(args[++i]);
                    }
                    case "--seed" -> c.seed = Long.parseLong(value(args, ++i, a));
                    case "--max-busy" -> c.maxBusy = Double.parseDouble(value(args, ++i, a));
                    case "--idle-seconds" -> c.idleSeconds = Double.parseDouble(value(args, ++i, a));
                    case "--steady-tolerance" -> tolerance = Double.parseDouble(value(args, ++i, a));
                    case "--steady-windows" -> windows = Integer.parseInt(value(args, ++i, a));
                    case "--steady-max-windows" -> maxWindows = Integer.parseInt(value(args, ++i, a));
                    default -> c.rest.add(a);
                }
            }
            c.rule = new SteadyState.Rule(tolerance, windows, maxWindows);
            return c;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
