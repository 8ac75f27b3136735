package dev.kiln.cli;

import dev.kiln.local.DeadLetterStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln dlq list|show|replay}: the events local mode kept when every delivery attempt failed. */
@Command(name = "dlq", description = "Dead letters of Brokers without their own deadLetterSink: list, show ID, replay ID|--all.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand {

    static DeadLetterStore store(StateOption state) {
        return new DeadLetterStore(state.dir.resolve("dead-letters"));
    }

    static String ext(CloudEvent e, String name) {
        Object v = e.getExtension(name);
        return v == null ? "" : v.toString();
    }

    /** {@code kiln dlq list}. */
    @Command(name = "list", description = "One line per dead letter: ID, BROKER, TYPE, CODE, DESTINATION.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        StateOption state;

        @Override
        public Integer call() throws Exception {
            List<DeadLetterStore.Letter> letters = store(state).list();
            System.out.println(String.format("%-56s %-18s %-34s %-5s %s", "ID", "BROKER", "TYPE", "CODE", "DESTINATION"));
            for (DeadLetterStore.Letter l : letters) {
                System.out.println(String.format("%-56s %-18s %-34s %-5s %s", l.id(), l.broker(), l.event().getType(),
                        ext(l.event(), "knativeerrorcode"), ext(l.event(), "knativeerrordest")));
            }
            return Kiln.OK;
        }
    }

    /** {@code kiln dlq show ID}. */
    @Command(name = "show", description = "The dead letter as a structured CloudEvent (JSON), error extensions included.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Mixin
        StateOption state;

        @Override
        public Integer call() throws Exception {
            DeadLetterStore.Letter l = store(state).get(id);
            if (l == null) {
                System.err.println("no dead letter " + id + " (see kiln dlq list)");
                return Kiln.FAILED;
            }
            System.out.println(new String(new JsonFormat().serialize(l.event()), StandardCharsets.UTF_8));
            return Kiln.OK;
        }
    }

    /** {@code kiln dlq replay ID|--all}. */
    @Command(name = "replay", description = "Send dead letters to their Broker again (without the error extensions); "
            + "each one the Broker accepts is removed.")
    static final class Replay implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
        String id;

        @Option(names = "--all", description = "every dead letter")
        boolean all;

        @Mixin
        StateOption state;

        @Override
        public Integer call() throws Exception {
            if ((id == null) == !all) {
                System.err.println("kiln dlq replay: give an ID (see kiln dlq list) or --all");
                return Kiln.USAGE;
            }
            RunningDev dev = RunningDev.of(state);
            DeadLetterStore store = store(state);
            List<DeadLetterStore.Letter> letters = all ? store.list() : java.util.Optional.ofNullable(store.get(id)).map(List::of).orElse(List.of());
            if (letters.isEmpty()) {
                System.err.println(all ? "no dead letters" : "no dead letter " + id + " (see kiln dlq list)");
                return all ? Kiln.OK : Kiln.FAILED;
            }
            int failed = 0;
            for (DeadLetterStore.Letter l : letters) {
                DeadLetterStore.Replay replay = store.replay(l, dev.eventing());
                if (replay.accepted()) {
                    System.out.println("replayed " + l.id() + " to " + l.broker());
                } else {
                    failed++;
                    System.err.println("kiln dlq replay: " + l.broker() + " answered " + replay.status() + " for " + l.id() + ": " + replay.body());
                }
            }
            return failed == 0 ? Kiln.OK : Kiln.FAILED;
        }
    }
}
