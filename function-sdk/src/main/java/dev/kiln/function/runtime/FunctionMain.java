package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Entry point of a function process: finds the function (the {@code KILN_FUNCTION} class name, else the
 * single {@code CloudFunction} listed for {@link java.util.ServiceLoader}), serves it on {@code $PORT}, and on
 * SIGTERM drains and exits 0.
 */
public final class FunctionMain {

    private FunctionMain() {
    }

    /**
     * Serves the function, or with {@code --train[=N]} runs {@link Training} (N rounds, default
     * {@value #DEFAULT_TRAINING_ROUNDS}) and exits, so the JVM can write a class archive at exit.
     *
     * @param args nothing, or {@code --train[=N]}
     * @throws Exception when the function cannot be found or started
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        // Installed first, in training too: the archive then holds the handler's classes, which a cold start would
        // otherwise load from the jar and spin (a lambda) while its first event waits (docs/benchmarks.md, issue 22).
        Shutdown onSignal = new Shutdown(true);
        boolean signals = Signals.onTerm(onSignal);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Integer rounds = trainingRounds(args);
        Path appDir = ClassPathFacts.appDirectory();
        Path appJar = appDir == null ? null : Path.of(System.getProperty("java.class.path"));
        // Training: the facts from the jars themselves, or null when a manifest adds to the class path (then looked up).
        ClassPathFacts fromJars = rounds != null && appJar != null ? ClassPathFacts.fromJars(appJar) : null;
        ClassPathFacts facts = rounds != null ? (fromJars != null ? fromJars : ClassPathFacts.lookUp(loader, true))
                : appJar == null ? null : ClassPathFacts.trained(appJar);
        if (rounds == null && appDir != null && facts == null) {
            Log.info("no current " + ClassPathFacts.FILE + " beside the app's jar (written by --train): looking the class path up");
        }
        CloudFunction<?, ?> function = load(env.get("KILN_FUNCTION"), loader, facts);
        FunctionConfig config = FunctionConfig.fromEnv(env, function.getClass());
        if (rounds != null) {
            long t0 = System.nanoTime();
            int refused = Training.run(function, config, rounds, facts);
            if (fromJars != null) {
                facts.write(appDir, appJar);
            } else if (appJar != null) {
                Log.info("no " + ClassPathFacts.FILE + " written: a jar's manifest adds to the class path, so its jars are not all known");
            }
            Log.info("trained " + config.name() + " with " + rounds + " events in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms" + (refused > 0
                            ? "; " + refused + " were refused, so the function's own path is not archived: override warmupEvent()"
                            : ""));
            System.exit(0); // a normal exit (not halt) is what makes the JVM dump the archive
        }
        FunctionServer server = FunctionServer.start(function, config, env.getOrDefault("KILN_HOST", "0.0.0.0"), facts);
        // Before the log line: the server already reports ready, so a SIGTERM from here on must drain it.
        if (signals) {
            onSignal.server = server;
        } else {
            Shutdown onExit = new Shutdown(false);
            onExit.server = server;
            Runtime.getRuntime().addShutdownHook(new Thread(onExit, "kiln-drain"));
        }
        Log.info(config.name() + " ready on port " + server.port());
    }

    /**
     * What SIGTERM (or, where signals cannot be handled, the JVM's shutdown) does: drain the server once one
     * serves. From the signal it then exits 0, as Knative and {@code kiln dev} expect of a drained function (a
     * shutdown hook alone would make it 143); before a server serves (training, start-up) it exits as the signal
     * would have, 143, running the shutdown hooks. A class, not a lambda: see where it is installed.
     */
    private static final class Shutdown implements Runnable {
        private final boolean fromSignal;
        private volatile FunctionServer server;

        Shutdown(boolean fromSignal) {
            this.fromSignal = fromSignal;
        }

        @Override
        public void run() {
            FunctionServer s = server;
            if (s != null) {
                boolean drained = s.drain();
                Log.info(drained ? "drained; exiting" : "drain timeout reached with requests in flight; exiting");
            }
            if (fromSignal) {
                if (s == null) {
                    System.exit(128 + 15);
                }
                Runtime.getRuntime().halt(0);
            }
        }
    }

    /** Training rounds when {@code --train} is given without a number. */
    static final int DEFAULT_TRAINING_ROUNDS = 100;

    /** @return the training rounds asked for on the command line, or null to serve */
    static Integer trainingRounds(String[] args) {
        for (String arg : args) {
            if (arg.equals("--train")) {
                return DEFAULT_TRAINING_ROUNDS;
            }
            if (arg.startsWith("--train=")) {
                try {
                    int n = Integer.parseInt(arg.substring("--train=".length()));
                    if (n > 0) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("--train=N needs a positive whole number, got " + arg);
            }
            throw new IllegalArgumentException("unknown argument " + arg + "; the only option is --train[=N]");
        }
        return null;
    }

    /**
     * Finds the function to serve.
     *
     * @param className a class name, or null to use the class path's registered function
     * @param loader the class loader to search
     * @param facts what the class path registers, as training found it; null to ask ServiceLoader
     * @return a new instance of the function
     */
    static CloudFunction<?, ?> load(String className, ClassLoader loader, ClassPathFacts facts) throws ReflectiveOperationException {
        if (className != null && !className.isBlank()) {
            Class<?> type = Class.forName(className, true, loader);
            if (!CloudFunction.class.isAssignableFrom(type)) {
                throw new IllegalStateException("KILN_FUNCTION=" + className + " does not implement " + CloudFunction.class.getName());
            }
            return (CloudFunction<?, ?>) type.getDeclaredConstructor().newInstance();
        }
        List<String> found = facts != null ? facts.functions() : ClassPathFacts.lookUp(loader, true).functions();
        if (found.size() != 1) {
            throw new IllegalStateException(found.isEmpty()
                    ? "no function found: list your class in META-INF/services/" + CloudFunction.class.getName()
                            + " or set KILN_FUNCTION"
                    : "several functions found (" + found + "): set KILN_FUNCTION to the one to serve");
        }
        // ServiceLoader found it (now or in training), so it is a public CloudFunction with a public no-argument
        // constructor; made the way ServiceLoader makes it.
        return (CloudFunction<?, ?>) Class.forName(found.get(0), true, loader).getConstructor().newInstance();
    }
}
