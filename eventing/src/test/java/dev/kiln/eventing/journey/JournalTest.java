package dev.kiln.eventing.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTest {

    static CloudEvent event(String id, int dataBytes) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/t")).withType("t").withData("application/octet-stream", new byte[dataBytes]).build();
    }

    static void ingress(Journeys journeys, TraceContext context, CloudEvent event) {
        journeys.record(Step.Kind.INGRESS, context, null, null, "Broker a/b", null, event, Step.Outcome.ACCEPTED, null, List.of(), List.of(),
                Journeys.now(), true);
    }

    @Test
    void keepsTheLastStepsOnlyAndFindsJourneysByEventOrTraceId() {
        Journeys journeys = Journeys.of(8, null);
        Journal journal = journeys.journal();
        assertThat(journal.capacity()).isEqualTo(8);
        for (int i = 0; i < 20; i++) {
            ingress(journeys, TraceContext.root(), event("e" + i, 1));
        }
        assertThat(journal.last()).isEqualTo(20);
        assertThat(journal.since(0, 100)).hasSize(8).extracting(Step::eventId)
                .containsExactly("e12", "e13", "e14", "e15", "e16", "e17", "e18", "e19");
        assertThat(journal.since(17, 100)).extracting(Step::eventId).containsExactly("e17", "e18", "e19");
        assertThat(journal.since(0, 2)).extracting(Step::eventId).containsExactly("e18", "e19");
        assertThat(journal.traces("e0")).as("overwritten").isEmpty();
        assertThat(journal.traces("e19")).hasSize(1);
        String trace = journal.traces("e19").get(0);
        assertThat(journal.traces(trace)).containsExactly(trace);
    }

    @Test
    void aLargeEventIsKeptWithoutItsData() {
        Journeys journeys = Journeys.of(4, null);
        ingress(journeys, TraceContext.root(), event("big", 1 << 20));
        ingress(journeys, TraceContext.root(), event("small", 10));
        List<Step> steps = journeys.journal().since(0, 10);
        assertThat(steps.get(0).event().getData()).isNull();
        assertThat(steps.get(0).event().getExtension("kilndatanotkept")).isEqualTo(1 << 20);
        assertThat(steps.get(1).event().getData().toBytes()).hasSize(10);
    }

    @Test
    void offRecordsNothing() {
        assertThat(Journeys.of(0, null)).isSameAs(Journeys.OFF);
        assertThat(Journeys.OFF.on()).isFalse();
        assertThatThrownBy(() -> Journeys.of(-1, null)).hasMessageContaining("0 (off) or more");
    }

    @Test
    void traceparentsRoundTripAndMalformedOnesStartANewTrace() {
        TraceContext c = TraceContext.root();
        assertThat(c.traceId()).hasSize(32);
        assertThat(c.spanId()).hasSize(16);
        assertThat(TraceContext.parse(c.traceparent())).isEqualTo(c);
        assertThat(c.child().traceId()).isEqualTo(c.traceId());
        assertThat(c.child().spanId()).isNotEqualTo(c.spanId());
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"));
        assertThat(TraceContext.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).as("all-zero trace id").isNull();
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).as("all-zero span id").isNull();
        assertThat(TraceContext.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).as("upper case").isNull();
        assertThat(TraceContext.parse("garbage")).isNull();
        assertThat(TraceContext.parse(null)).isNull();
    }
}
