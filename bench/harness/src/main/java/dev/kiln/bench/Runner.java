package dev.kiln.bench;

import dev.kiln.bench.support.BenchRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts app processes and measures them. */
final class Runner {

    /**
     * One cold start.
     *
     * @param firstOkMillis exec to the first 2xx
     * @param listenMillis exec to the port open: the first TCP connection accepted, before any request (the kernel accepts
     *     once the app called listen(), whether or not it reads yet)
     * @param rssMiB resident set right after the first 2xx
     * @param cpuMillis CPU time the process had used by then (user + system, all its threads): far less moved by
     *     other processes on the machine than the wall-clock times
     */
    record ColdStart(double firstOkMillis, double listenMillis, double rssMiB, double cpuMillis) {
    }

    /**
     * One wrk run.
     *
     * @param requestsPerSecond wrk's Requests/sec
     * @param p99Millis wrk's 99th percentile latency
     * @param errors non-2xx responses plus socket errors
     * @param rssMiB resident set after the run
     */
    record Throughput(double requestsPerSecond, double p99Millis, long errors, double rssMiB) {
    }

    private static final Path WRK_SCRIPT = writeWrkScript();

    void train(App app, Jdk jdk) throws Exception {
        Files.deleteIfExists(app.archive(jdk));
        int port = freePort();
        Process p = start(app.trainingCommand(jdk), port, app.name() + "-train-" + jdk.feature(), app.env());
        if (!app.selfTraining()) {
            awaitFirstOk(port, System.nanoTime(), p);
            for (int i = 0; i < 200; i++) {
                Probe.post(port);
            }
            p.destroy(); // SIGTERM: a normal JVM exit, which writes the archive
        }
        if (!p.waitFor(300, TimeUnit.SECONDS) || !Files.isRegularFile(app.archive(jdk))) {
            p.destroyForcibly();
            throw new IllegalStateException("training " + app.name() + " on JDK " + jdk.feature() + " wrote no archive; see " + logOf(p));
        }
        System.err.printf("trained %s on JDK %d: %.1f MB%n", app.name(), jdk.feature(), Files.size(app.archive(jdk)) / 1e6);
    }

    ColdStart coldStart(Variant v) throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        Process p = start(v.command(), port, "cold", v.app().env());
        try {
            double listen = awaitPortOpen(port, t0, p);
            double firstOk = awaitFirstOk(port, t0, p);
            double rss = Probe.rssMiB(p.pid());
            double cpu = Probe.cpuMillis(p.pid());
            return new ColdStart(firstOk, listen, rss, cpu);
        } finally {
            stop(p);
        }
    }

    /**
     * Starts the variant once with class loading logged, and kills it (SIGKILL, so no shutdown class is counted)
     * as soon as its first reply arrives.
     */
    ClassLoads classLoads(Variant v) throws Exception {
        Path log = Files.createTempFile("kiln-bench-classes-", ".log");
        List<String> command = new java.util.ArrayList<>(v.command());
        command.add(1, "-Xlog:class+load=info:file=" + log);
        int port = freePort();
        Process p = start(command, port, "classes", v.app().env());
        try {
            awaitFirstOk(port, System.nanoTime(), p);
        } finally {
            p.destroyForcibly().waitFor();
        }
        return ClassLoads.parse(Files.readAllLines(log));
    }

    /**
     * A fresh process, warmed with wrk until its rate holds still (the run's steady-state rule), then measured.
     *
     * @param run the benchmark run, whose rule decides when the warm-up is over and which records it
     * @param label what the warm-up is recorded as
     */
    Throughput throughput(BenchRun run, String label, Variant v, int seconds) throws Exception {
        int port = freePort();
        Process p = start(v.command(), port, "load", v.app().env());
        try {
            awaitFirstOk(port, System.nanoTime(), p);
            run.steady(label, () -> number(wrk(port, 2), "Requests/sec:\\s+([\\d.]+)"));
            String out = wrk(port, seconds);
            return new Throughput(number(out, "Requests/sec:\\s+([\\d.]+)"), millis(out, "99%\\s+([\\d.]+)(us|ms|s)"),
                    (long) (number(out, "Non-2xx or 3xx responses:\\s+(\\d+)") + socketErrors(out)), Probe.rssMiB(p.pid()));
        } finally {
            stop(p);
        }
    }

    private static String wrk(int port, int seconds) throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency", "-s", WRK_SCRIPT.toString(),
                "http://127.0.0.1:" + port + "/").redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes());
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    /** @return ms since t0 until a TCP connection to the port is accepted (no request sent) */
    private static double awaitPortOpen(int port, long t0, Process p) throws Exception {
        long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Probe.connects(port)) {
                return (System.nanoTime() - t0) / 1e6;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited with " + p.exitValue() + "; see " + logOf(p));
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        throw new IllegalStateException("the port did not open within 120 s; see " + logOf(p));
    }

    /** @return ms since t0 until the first 2xx to the benchmark's event */
    private static double awaitFirstOk(int port, long t0, Process p) throws Exception {
        long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            int status = Probe.post(port);
            long now = System.nanoTime();
            if (status >= 200 && status < 300) {
                return (now - t0) / 1e6;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited with " + p.exitValue() + "; see " + logOf(p));
            }
            if (status == -1) {
                TimeUnit.MILLISECONDS.sleep(2);
            } else if (status != 0 && status != 503) {
                throw new IllegalStateException("the app answered " + status + " to the benchmark event; see " + logOf(p));
            }
        }
        throw new IllegalStateException("no 2xx within 120 s; see " + logOf(p));
    }

    private static Process start(List<String> command, int port, String tag, java.util.Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("kiln-bench-" + tag + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("KILN_HOST", "127.0.0.1");
        pb.environment().putAll(env);
        Process p = pb.start();
        LOGS.put(p.pid(), log);
        return p;
    }

    private static final java.util.Map<Long, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path logOf(Process p) {
        return LOGS.get(p.pid());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static double millis(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static double socketErrors(String text) {
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(text);
        if (!m.find()) {
            return 0;
        }
        return Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) + Long.parseLong(m.group(4));
    }

    private static Path writeWrkScript() {
        try {
            Path script = Files.createTempFile("kiln-bench-", ".lua");
            Files.writeString(script, String.join("\n",
                    "wrk.method = \"POST\"",
                    "wrk.body = '" + Probe.BODY + "'",
                    "wrk.headers[\"Content-Type\"] = \"application/json\"",
                    "wrk.headers[\"ce-specversion\"] = \"1.0\"",
                    "wrk.headers[\"ce-id\"] = \"bench-1\"",
                    "wrk.headers[\"ce-type\"] = \"dev.kiln.bench\"",
                    "wrk.headers[\"ce-source\"] = \"/bench\"", ""));
            return script;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
