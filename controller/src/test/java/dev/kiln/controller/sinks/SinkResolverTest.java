package dev.kiln.controller.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kinds become the plurals the API server serves them under. */
class SinkResolverTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "Broker, brokers",
        "Channel, channels",
        "InMemoryChannel, inmemorychannels",
        "Sequence, sequences",
        "Parallel, parallels",
        "Service, services",
        "Function, functions",
        "Ingress, ingresses",
        "NetworkPolicy, networkpolicies",
        "Gateway, gateways",
        "Mesh, meshes",
    })
    void plural(String kind, String plural) {
        assertThat(SinkResolver.plural(kind)).isEqualTo(plural);
    }
}
