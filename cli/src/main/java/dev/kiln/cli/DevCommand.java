package dev.kiln.cli;

import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.kafka.EmbeddedKafka;
import dev.kiln.local.DevPlatform;
import dev.kiln.local.PortInUseException;
import dev.kiln.local.manifests.FunctionProject;
import dev.kiln.local.manifests.Manifest;
import dev.kiln.local.manifests.ManifestException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln dev DIR}: the whole platform on this machine, from DIR's manifests. */
@Command(name = "dev", description = {"Run DIR's manifests on this machine: functions built from Git or from a working tree (reloaded "
        + "on every save) and served behind activators that scale to zero, Brokers, Triggers, Sequences, Parallels and sources. "
        + "A function project without manifests runs as its Function, a Broker default and a Trigger to it. Ctrl-C drains and "
        + "stops everything."})
final class DevCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "a directory of manifests (read recursively), one file, or a function project")
    Path dir;

    @Mixin
    StateOption state;

    @Option(names = "--port", defaultValue = "8180", description = "the eventing plane's port: Brokers at http://127.0.0.1:PORT/<namespace>/<name> (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--journeys", defaultValue = "10000", description = "journey steps the eventing plane keeps for kiln events, "
            + "kiln trace and the dashboard (0: none; default ${DEFAULT-VALUE})")
    int journeys;

    @Option(names = "--kafka", description = "a Kafka for durable Brokers (class Kafka): bootstrap servers, or 'local' to start "
            + "one in this process (KRaft, one node; its log is kept in the state directory's kafka/, so what durable Brokers "
            + "accepted survives a crash and a restart; delete that directory to start empty)")
    String kafka;

    @Override
    public Integer call() throws Exception {
        if (journeys < 0) {
            System.err.println(Terminal.red("kiln dev: nothing started. ") + "--journeys is 0 (keep none) or more steps, not " + journeys);
            return Kiln.USAGE;
        }
        List<Manifest> manifests;
        try {
            manifests = FunctionProject.load(dir);
        } catch (ManifestException e) {
            System.err.println(Terminal.red("kiln dev: nothing started. ") + e.getMessage());
            return Kiln.USAGE;
        }
        System.out.println(Terminal.bold("kiln dev") + ": " + manifests.size() + " resources from " + dir
                + (manifests.stream().anyMatch(m -> m.file().getFileName().toString().equals("pom.xml"))
                        ? " (a function project without manifests: its Function, a Broker default and a Trigger to it)" : ""));
        if (manifests.isEmpty()) {
            System.out.println("kiln dev: no manifests in " + dir + ", and no function project (a pom.xml on dev.kiln:kiln-function-sdk): "
                    + "kiln new NAME makes one");
        }
        EmbeddedKafka local = null;
        String servers = kafka;
        DevPlatform platform;
        try {
            if ("local".equals(kafka)) {
                System.out.println("kiln dev: starting a local Kafka broker...");
                local = EmbeddedKafka.keptIn(state.dir.resolve("kafka")).start();
                servers = local.bootstrapServers();
                System.out.println("kiln dev: Kafka at " + servers);
            }
            platform = DevPlatform.start(new DevPlatform.Options(state.dir, port, 0, servers, JavaRuntime.current(), null, null, journeys), manifests);
        } catch (Exception e) {
            System.err.println(Terminal.red("kiln dev: could not start: ") + (e instanceof PortInUseException inUse
                    ? "the eventing plane's port " + inUse.host() + ":" + inUse.port() + " is in use, most likely by another "
                            + "kiln dev: stop it (Ctrl-C in its terminal), or pass --port with another port (--port 0 picks a free one)"
                    : e.getMessage()));
            if (local != null) {
                local.close();
            }
            return Kiln.FAILED;
        }
        try {
            // Edits of the manifests apply as a difference; one that does not load is reported and changes nothing.
            platform.reloadOnChange(dir, () -> FunctionProject.load(dir));
        } catch (java.io.IOException e) {
            System.err.println(Terminal.yellow("kiln dev: manifests are not watched (" + e.getMessage() + "): restart to apply edits"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafka started = local;
        Thread hook = new Thread(() -> {
            System.out.println("\nkiln dev: draining and stopping...");
            platform.close();
            if (started != null) {
                try {
                    started.close();
                } catch (Exception e) {
                    System.err.println("kiln dev: the local Kafka did not stop cleanly: " + e.getMessage());
                }
            }
            stopped.countDown();
        }, "kiln-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println(Terminal.bold("kiln dev") + ": dashboard at " + platform.adminUrl() + "/  (kiln events, kiln trace ID)");
        report(platform);
        stopped.await();
        return Kiln.OK;
    }

    /** Prints each resource's state when it changes, until the process is stopped. */
    private static void report(DevPlatform platform) throws InterruptedException {
        Map<String, String> last = new HashMap<>();
        while (true) {
            for (Map<String, Object> row : platform.states()) {
                String ns = Objects.toString(row.get("namespace"), "");
                String id = row.get("kind") + " " + (ns.isEmpty() ? "" : ns + "/") + row.get("name");
                String line = "True".equals(row.get("ready")) && row.get("reason") == null
                        ? Terminal.green("ready") + "  " + Objects.toString(row.get("url"), "")
                        : Terminal.yellow(Objects.toString(row.get("reason"), "not ready")) + "  " + Objects.toString(row.get("message"), "");
                if (!line.equals(last.put(id, line))) {
                    System.out.println(String.format("%-40s %s", id, line));
                }
            }
            Thread.sleep(500);
        }
    }
}
