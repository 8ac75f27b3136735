// The inner loop's benchmark (issue 18), a single-file program run by bench/run-inner-loop:
//   java bench/inner-loop/InnerLoopBench.java --kiln-jar JAR --mvnw PATH --quarkus DIR --out FILE
//     [--edits 10] [--pom-edits 3] [--first-runs 3] [--cold true|false] [--work DIR] [--quarkus-version 3.34.1] [--settle-ms 2000]
//     [--busy-ok] [--seed N]
// Save → new code serving for `kiln new`'s function under `kiln dev` and for Quarkus dev mode on
// bench/apps/quarkus-funqy, edit for edit in the same run (the same change: a suffix on the echoed message);
// Kiln's in-process compile against Maven's incremental compile of the same project; pom change → serving; and the
// first `kiln dev` of a new project with a cold Maven repository (a fresh user home: Maven Central over the
// network), a warm one (the user's ~/.m2), and again (the build cached). Quarkus dev mode runs a copy of the app on
// Quarkus's platform BOM and plugin at --quarkus-version (3.34.1): dev mode adds quarkus-devui, which this
// machine's Maven Central does not serve for 3.34.2, the repository's version (nor funqy-knative-events for 3.33.2
// or 3.34.3). Its downloads go to bench/target/m2, with ~/.m2 read behind it.
// Under the benchmarks' rules (BenchRun): the machine checked first; the first kiln dev measured --first-runs (3) times;
// one edit of each side not counted, then which side goes first drawn for every edit from the printed seed.
import dev.kiln.bench.support.BenchRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class InnerLoopBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final Pattern KILN_TIMES = Pattern.compile("(tree-\\d+) serving: compiled \\d+ file\\(s\\) in (\\d+) ms, started in (\\d+) ms");

    static Map<String, String> opts = new HashMap<>();
    static Path work;

    public static void main(String[] args) throws Exception {
        BenchRun run = BenchRun.begin("bench/run-inner-loop", args);
        args = run.args();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        work = Path.of(opts.getOrDefault("work", "bench/target/inner-loop")).toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        int edits = Integer.parseInt(opts.getOrDefault("edits", "10"));
        int pomEdits = Integer.parseInt(opts.getOrDefault("pom-edits", "3"));
        int firstRuns = Integer.parseInt(opts.getOrDefault("first-runs", "3"));
        StringBuilder report = new StringBuilder();
        report.append("# Inner loop (issue 18), ").append(LocalDateTime.now().withNano(0)).append("\n\n").append(run.header());

        // First kiln dev of a new project, --first-runs times: each run a new project and an empty Kiln cache (and, cold,
        // a fresh user home); the last run's project ("hello") is the one edited below.
        List<Long> colds = new ArrayList<>();
        List<Long> warms = new ArrayList<>();
        List<Long> agains = new ArrayList<>();
        boolean cold = Boolean.parseBoolean(opts.getOrDefault("cold", "true"));
        Kiln kiln = null;
        Path project = null;
        Map<String, String> warmEnv = null;
        for (int r = 1; r <= firstRuns; r++) {
            String suffix = r == firstRuns ? "" : "r" + r;
            if (cold) {
                Path home = Files.createDirectories(work.resolve("cold-home-" + r));
                Kiln c = Kiln.start(newProject("cold" + suffix), Map.of("HOME", home.toString(), "JAVA_TOOL_OPTIONS", "-Duser.home=" + home,
                        "XDG_CACHE_HOME", home.resolve(".cache").toString()));
                colds.add(c.firstAnswer);
                c.stop();
            }
            project = newProject("hello" + suffix);
            warmEnv = Map.of("XDG_CACHE_HOME", work.resolve("cache-" + r).toString());
            Kiln warm = Kiln.start(project, warmEnv);
            warms.add(warm.firstAnswer);
            warm.stop();
            kiln = Kiln.start(project, warmEnv);
            agains.add(kiln.firstAnswer);
            if (r < firstRuns) {
                kiln.stop();
            }
        }
        report.append("## First `kiln dev` of a new project (`kiln new hello`, then `kiln dev .` until it answers), ").append(firstRuns)
                .append(" runs, each a new project\n\n| repository | median | p90 | min | max |\n|---|---|---|---|---|\n");
        if (cold) {
            report.append(row("cold: empty `~/.m2` and Kiln cache (Maven Central over the network)", colds)).append("\n");
        }
        report.append(row("warm: the user's `~/.m2` (read, not written), an empty Kiln cache", warms)).append("\n")
                .append(row("again: the same project, its build cached", agains)).append("\n\n");

        // Save → new code serving, Kiln and Quarkus dev mode edit for edit.
        Quarkus quarkus = Quarkus.start();
        List<Long> kilnTimes = new ArrayList<>();
        List<Long> quarkusTimes = new ArrayList<>();
        List<String> breakdown = new ArrayList<>();
        // One edit of each first, not counted (the first reload of either pays for classes and code the later ones reuse).
        settle();
        kiln.edit("-w");
        kiln.lastBreakdown();
        settle();
        quarkus.edit("-w");
        run.warmedUp("save → serving, Kiln and Quarkus", "one edit of each run and not counted; then which goes first drawn for every edit"
                + " (an edit is a one-shot measurement: no rate to hold still)");
        for (int i = 1; i <= edits; i++) {
            boolean kilnFirst = run.random().nextBoolean();
            for (boolean k : new boolean[] {kilnFirst, !kilnFirst}) {
                settle();
                if (k) {
                    kilnTimes.add(kiln.edit("-" + i));
                    breakdown.add(kiln.lastBreakdown());
                } else {
                    quarkusTimes.add(quarkus.edit("-" + i));
                }
            }
        }
        report.append("## Save → new code serving (").append(edits).append(" edits each, after one not counted; which goes first drawn for every edit, same run)\n\n")
                .append("The same change each time: the echoed message gets a new suffix. Timed from the file's write to the first reply ")
                .append("with the new suffix, polling every 20 ms.\n\n")
                .append("| | median | p90 | min | max |\n|---|---|---|---|---|\n")
                .append(row("Kiln (`kiln dev`, in-process compile, new JVM with the dependencies' archive)", kilnTimes)).append("\n")
                .append(row("Quarkus dev mode (`mvn quarkus:dev`, reload on the next request; Quarkus "
                        + opts.getOrDefault("quarkus-version", "3.34.1") + ")", quarkusTimes)).append("\n\n")
                .append("Kiln's edits, compile and start: ").append(String.join("; ", breakdown)).append("\n\n");
        quarkus.stop();

        // The compile alone: in process (from kiln dev's log) against Maven's incremental compile of the same project.
        List<Long> inProcess = new ArrayList<>();
        for (String b : breakdown) {
            Matcher m = Pattern.compile("compile (\\d+) ms").matcher(b);
            if (m.find()) {
                inProcess.add(Long.parseLong(m.group(1)));
            }
        }
        List<Long> maven = mavenCompiles(project, work.resolve("cache-" + firstRuns), edits);
        report.append("## The compile of one edit\n\n| | median | p90 | min | max |\n|---|---|---|---|---|\n")
                .append(row("in `kiln dev`'s JVM (`javax.tools`, changed files and their readers)", inProcess)).append("\n")
                .append(row("Maven's incremental compile (`mvn -o compile`, the same project and repositories)", maven)).append("\n\n");

        // pom change → serving.
        List<Long> pomTimes = new ArrayList<>();
        for (int i = 1; i <= pomEdits; i++) {
            settle();
            pomTimes.add(kiln.pomEdit("-pom" + i, i % 2 == 1));
        }
        report.append("## pom change → serving (").append(pomEdits).append(" edits: a dependency added or removed, and the code)\n\n")
                .append("| | median | p90 | min | max |\n|---|---|---|---|---|\n").append(row("Kiln: full build, archive trained again", pomTimes)).append("\n\n");
        kiln.stop();
        run.close();
        report.append(run.machine()).append("\n\nWarm-ups:\n\n").append(run.warmupTable());
        Path out = Path.of(opts.getOrDefault("out", "bench/results/inner-loop.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
    }

    static String row(String name, List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "| " + name + " | - | - | - | - |";
        }
        return "| " + name + " | " + ms(percentile(sorted, 50)) + " | " + ms(percentile(sorted, 90)) + " | " + ms(sorted.get(0)) + " | "
                + ms(sorted.get(sorted.size() - 1)) + " |";
    }

    /** Nearest rank. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static String ms(long millis) {
        return millis >= 10_000 ? String.format("%.1f s", millis / 1000.0) : millis + " ms";
    }

    /** Lets the machine settle between edits: the old version drains, the JIT calms. */
    static void settle() throws InterruptedException {
        Thread.sleep(Long.parseLong(opts.getOrDefault("settle-ms", "2000")));
    }

    static Path newProject(String name) throws Exception {
        Path dir = Files.createDirectories(work.resolve("projects"));
        Process p = new ProcessBuilder(JAVA, "-jar", opts.get("kiln-jar"), "new", name, "--dir", dir.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kiln new failed");
        }
        return dir.resolve(name);
    }

    /**
     * @param target the URL, and the event type it takes
     * @param message the message to echo
     * @return the reply's data, or null while nothing answers
     */
    static String post(Target target, String message) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(target.url())).timeout(Duration.ofSeconds(60))
                    .header("ce-specversion", "1.0").header("ce-id", "b-" + System.nanoTime()).header("ce-source", "/bench")
                    .header("ce-type", target.type()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(target.body().formatted(message))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A function to send events to: its URL, the event type it takes, its data with {@code %s} for the message. */
    record Target(String url, String type, String body) {
    }

    /** Polls until a reply contains the text; returns the milliseconds since {@code since}. */
    static long awaitReply(Target url, String message, String expected, long since, Duration limit, Process serving) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!serving.isAlive()) {
                throw new IllegalStateException("the process serving " + url + " exited with " + serving.exitValue());
            }
            String body = post(url, message);
            if (body != null && body.contains(expected)) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no reply with " + expected + " from " + url + " within " + limit);
    }

    static void replace(Path file, String regex, String replacement) throws IOException {
        String text = Files.readString(file);
        String changed = text.replaceFirst(regex, replacement);
        if (changed.equals(text)) {
            throw new IllegalStateException(file + ": nothing matched " + regex);
        }
        Files.writeString(file, changed);
    }

    /** Maven's incremental compile of a copy of the project, one edit at a time. */
    static List<Long> mavenCompiles(Path project, Path kilnCache, int edits) throws Exception {
        Path copy = work.resolve("maven-compile/hello");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.walk(project)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !project.relativize(f).startsWith(".kiln")).toList()) {
                Path to = copy.resolve(project.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        List<String> cmd = List.of(opts.get("mvnw"), "-B", "-q", "-o", "-Dmaven.repo.local=" + kilnCache.resolve("kiln/maven-repository"),
                "-Dmaven.repo.local.tail=" + project.resolve(".kiln/sdk-repository") + "," + System.getProperty("user.home") + "/.m2/repository",
                "compile");
        run(cmd, copy); // the first compile: target/classes as a full build leaves it
        Path source = copy.resolve("src/main/java/com/example/hello/Hello.java");
        List<Long> times = new ArrayList<>();
        for (int i = 1; i <= edits; i++) {
            replace(source, "return new Output\\(input\\.message\\(\\)[^;]*\\);", "return new Output(input.message() + \"-m" + i + "\");");
            long t = System.nanoTime();
            run(cmd, copy);
            times.add((System.nanoTime() - t) / 1_000_000);
        }
        return times;
    }

    static void run(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("maven-compile.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: see " + work.resolve("maven-compile.log"));
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A kiln dev process on a project. */
    static final class Kiln {
        final Path project;
        final Process process;
        final Path log;
        final long firstAnswer;
        final Target url;

        private Kiln(Path project, Process process, Path log, long firstAnswer, Target url) {
            this.project = project;
            this.process = process;
            this.log = log;
            this.firstAnswer = firstAnswer;
            this.url = url;
        }

        static Kiln start(Path project, Map<String, String> env) throws Exception {
            Path log = work.resolve("kiln-dev-" + project.getFileName() + "-" + System.nanoTime() + ".log");
            ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", opts.get("kiln-jar"), "dev", ".", "--port", "0").directory(project.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("KILN_MAVEN", opts.get("mvnw"));
            pb.environment().putAll(env);
            long t = System.nanoTime();
            Process p = pb.start();
            String url = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (url == null && System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("kiln dev exited: see " + log);
                }
                url = functionUrl(project);
                Thread.sleep(20);
            }
            Target target = new Target(url, "com.example." + project.getFileName(), "{\"message\":\"%s\"}");
            long first = awaitReply(target, "hi", "\"hi\"", t, Duration.ofMinutes(15), p);
            return new Kiln(project, p, log, first, target);
        }

        static String functionUrl(Path project) {
            try {
                String dev = Files.readString(project.resolve(".kiln/dev.json"));
                Matcher admin = Pattern.compile("\"admin\":\"([^\"]+)\"").matcher(dev);
                if (!admin.find()) {
                    return null;
                }
                String status = HTTP.send(HttpRequest.newBuilder(URI.create(admin.group(1) + "/status")).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher fn = Pattern.compile("\"kind\":\"Function\"[^}]*?\"url\":\"([^\"]+)\"").matcher(status);
                return fn.find() ? fn.group(1) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        Path source() {
            return project.resolve("src/main/java/com/example/" + project.getFileName() + "/" + Character.toUpperCase(project.getFileName().toString().charAt(0))
                    + project.getFileName().toString().substring(1) + ".java");
        }

        long edit(String suffix) throws Exception {
            long t = System.nanoTime();
            replace(source(), "return new Output\\(input\\.message\\(\\)[^;]*\\);", "return new Output(input.message() + \"" + suffix + "\");");
            return awaitReply(url, "hi", "hi" + suffix + "\"", t, Duration.ofMinutes(5), process);
        }

        /** The pom gains (or loses) a dependency and the code a new suffix, saved together: a full build. */
        long pomEdit(String suffix, boolean add) throws Exception {
            Path pom = project.resolve("pom.xml");
            String dependency = "    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>\n";
            long t = System.nanoTime();
            String text = Files.readString(pom);
            Files.writeString(pom, add ? text.replace("  <dependencies>\n", "  <dependencies>\n" + dependency) : text.replace(dependency, ""));
            replace(source(), "return new Output\\(input\\.message\\(\\)[^;]*\\);", "return new Output(input.message() + \"" + suffix + "\");");
            return awaitReply(url, "hi", "hi" + suffix + "\"", t, Duration.ofMinutes(10), process);
        }

        private int logged;

        /**
         * The compile and start times kiln dev logged for the version just served (the line comes right after the
         * switch, so it is waited for a moment).
         */
        String lastBreakdown() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                List<String> lines = new ArrayList<>();
                Matcher m = KILN_TIMES.matcher(Files.readString(log));
                while (m.find()) {
                    lines.add(m.group(1) + ": compile " + m.group(2) + " ms, start " + m.group(3) + " ms");
                }
                if (lines.size() > logged) {
                    logged = lines.size();
                    return lines.get(lines.size() - 1);
                }
                Thread.sleep(50);
            }
            return "not compiled in kiln dev (a full build)";
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Quarkus dev mode on a copy of bench/apps/quarkus-funqy. */
    static final class Quarkus {
        final Process process;
        final Path source;
        final Target url;

        private Quarkus(Process process, Path source, Target url) {
            this.process = process;
            this.source = source;
            this.url = url;
        }

        static Quarkus start() throws Exception {
            Path app = work.resolve("quarkus-funqy");
            Path from = Path.of(opts.getOrDefault("quarkus", "bench/apps/quarkus-funqy"));
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !from.relativize(f).startsWith("target")).toList()) {
                    Path to = app.resolve(from.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to);
                }
            }
            String version = opts.getOrDefault("quarkus-version", "3.34.1");
            String pom = Files.readString(app.resolve("pom.xml"));
            for (String artifact : List.of("quarkus-bom", "quarkus-maven-plugin")) {
                pom = pom.replace("<groupId>io.quarkus</groupId>\n        <artifactId>" + artifact + "</artifactId>",
                        "<groupId>io.quarkus.platform</groupId>\n        <artifactId>" + artifact + "</artifactId>");
            }
            Files.writeString(app.resolve("pom.xml"), pom);
            Path source = app.resolve("src/main/java/dev/kiln/bench/funqy/Echo.java");
            replace(source, "return input;", "input.message = input.message + \"-0\";\n        return input;");
            int port;
            try (var s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = work.resolve("quarkus-dev.log");
            Path repository = work.getParent().resolve("m2");
            ProcessBuilder pb = new ProcessBuilder(opts.get("mvnw"), "-B", "-Dmaven.repo.local=" + repository,
                    "-Dmaven.repo.local.tail=" + System.getProperty("user.home") + "/.m2/repository",
                    "-Dquarkus.version=" + version, "quarkus:dev", "-Ddebug=false", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.console.enabled=false", "-Dquarkus.test.continuous-testing=disabled").directory(app.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            Target url = new Target("http://127.0.0.1:" + port + "/", "dev.kiln.bench", "{\"message\":\"%s\",\"n\":1}");
            awaitReply(url, "hello", "hello-0", System.nanoTime(), Duration.ofMinutes(15), p);
            return new Quarkus(p, source, url);
        }

        long edit(String suffix) throws Exception {
            long t = System.nanoTime();
            replace(source, "input.message \\+ \"-[^\"]*\";", "input.message + \"" + suffix + "\";");
            return awaitReply(url, "hello", "hello" + suffix + "\"", t, Duration.ofMinutes(5), process);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
