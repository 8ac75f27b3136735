package dev.kiln.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionSource;
import dev.kiln.api.functions.v1alpha1.FunctionSpec;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.controller.WarningEvents.Warning;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Warning Events on the test cluster, written as the controller's ServiceAccount (so under the install's RBAC): one per
 * new warning, a repeat counted on the same Event, a new Event once that one has expired.
 */
class WarningEventsTest {

    static MockCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new MockCluster();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    List<Event> events(String ns) {
        return cluster.client().v1().events().inNamespace(ns).list().getItems();
    }

    @Test
    void aWarningIsOneEventARepeatRaisesItsCountAndAnExpiredOneIsRecordedAgain() {
        String ns = "events";
        Function f = new Function();
        f.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("greeter").build());
        f.setSpec(new FunctionSpec());
        f.getSpec().source = new FunctionSource();
        f.getSpec().source.git = new GitSource();
        f.getSpec().source.git.url = "https://example.com/a.git";
        Function stored = cluster.client().resource(f).create();
        WarningEvents events = new WarningEvents(cluster.controllerClient(), Clock.systemUTC());
        Warning refused = new Warning("JobRefused", "the cluster refused to create the build Job: quota");

        events.recordNew(stored, Set.of(), Set.of(refused));
        events.recordNew(stored, Set.of(refused), Set.of(refused));
        assertThat(events(ns)).as("still refused: nothing new").singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("JobRefused");
            assertThat(e.getMessage()).isEqualTo(refused.message());
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Function");
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("kiln.dev/v1alpha1");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(stored.getMetadata().getUid());
            assertThat(e.getMetadata().getName()).startsWith("greeter.");
        });

        // Admitted, then refused again: the same Event, counted.
        events.recordNew(stored, Set.of(), Set.of(refused));
        assertThat(events(ns)).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));

        // Another refusal is an Event of its own.
        events.recordNew(stored, Set.of(refused), Set.of(new Warning("JobRefused", "the cluster refused to create the build Job: policy")));
        assertThat(events(ns)).hasSize(2);

        // The API server's TTL removed the first one: a repeat is a new Event.
        cluster.client().resources(Event.class).inNamespace(ns).delete();
        events.recordNew(stored, Set.of(), Set.of(refused));
        assertThat(events(ns)).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
        assertThat(cluster.denied()).as("requests the install's RBAC forbids").isEmpty();
    }
}
