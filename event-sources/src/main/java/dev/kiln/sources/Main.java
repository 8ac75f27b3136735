package dev.kiln.sources;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln-event-sources <github|gitlab|kafka|cron>}: runs one adapter, configured by environment (see the
 * README of event-sources for every variable). Exit codes: 0 after a clean shutdown, 2 for a configuration
 * problem (all of them are printed), 1 when the adapter cannot start.
 */
@Command(name = "kiln-event-sources", mixinStandardHelpOptions = true, version = "kiln-event-sources 0.1.0",
        description = "Runs one event-source adapter: GitHub or GitLab webhooks, a Kafka topic, or a cron schedule, sent as"
                + " CloudEvents to $K_SINK.")
public final class Main implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "github, gitlab, kafka or cron")
    String kind;

    @Override
    public Integer call() throws Exception {
        RunningAdapter adapter;
        try {
            adapter = RunningAdapter.start(kind, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("kiln-event-sources " + kind + ": " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                adapter.close();
            } catch (Exception e) {
                System.err.println("shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "kiln-event-sources-shutdown"));
        System.out.println("kiln-event-sources " + kind + " listening on port " + adapter.port());
        stopped.await();
        return 0;
    }

    /** @param args the kind */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
