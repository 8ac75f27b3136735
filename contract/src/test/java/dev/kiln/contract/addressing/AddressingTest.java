package dev.kiln.contract.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.duck.Destination;
import dev.kiln.api.duck.KReference;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The addressing rule, as a table: what Knative's resolver gives for each shape of Destination. */
class AddressingTest {

    /** Addresses the lookup knows: a Broker (a path), a Knative Service (no path), a directory-like base. */
    static final Addressing.Lookup LOOKUP = ref -> switch (ref.kind() + " " + ref.namespace() + "/" + ref.name()) {
        case "Broker demo/default" -> URI.create("http://broker-ingress.knative-eventing.svc.cluster.local/demo/default");
        case "Service demo/greeter" -> URI.create("http://greeter.demo.svc.cluster.local");
        case "Service other/greeter" -> URI.create("http://greeter.other.svc.cluster.local");
        case "Parallel demo/dir" -> URI.create("http://127.0.0.1:8080/parallels/demo/dir/");
        case "Broker demo/pending" -> throw new Unresolvable(Unresolvable.Why.NOT_ADDRESSABLE, "Broker demo/pending has no address yet");
        default -> throw new Unresolvable(Unresolvable.Why.NOT_FOUND, ref + " not found");
    };

    static Stream<Arguments> resolves() {
        return Stream.of(
                Arguments.of("an absolute uri alone is used as it is", null, "https://sink.example.com/in?x=1", "https://sink.example.com/in?x=1"),
                Arguments.of("a ref alone is its address", broker("default"), null, "http://broker-ingress.knative-eventing.svc.cluster.local/demo/default"),
                Arguments.of("a ref's namespace defaults to the referring object's", service("greeter", null), null, "http://greeter.demo.svc.cluster.local"),
                Arguments.of("a ref's own namespace wins", service("greeter", "other"), null, "http://greeter.other.svc.cluster.local"),
                Arguments.of("a blank uri beside a ref is no uri", broker("default"), " ", "http://broker-ingress.knative-eventing.svc.cluster.local/demo/default"),
                Arguments.of("a relative segment replaces the base's last segment (RFC 3986)", broker("default"), "extra",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/demo/extra"),
                Arguments.of("a relative path replaces the base's last segment", broker("default"), "a/b",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/demo/a/b"),
                Arguments.of("an absolute path replaces the base's path", broker("default"), "/hooks/in",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/hooks/in"),
                Arguments.of("a base without a path resolves as if it were /", service("greeter", null), "extra",
                        "http://greeter.demo.svc.cluster.local/extra"),
                Arguments.of("a base ending in / keeps its path", ref("flows.knative.dev/v1", "Parallel", "dir", null), "extra",
                        "http://127.0.0.1:8080/parallels/demo/dir/extra"),
                Arguments.of("dot segments are removed", broker("default"), "../up", "http://broker-ingress.knative-eventing.svc.cluster.local/up"),
                // RFC 3986 5.2.4 (and Go's ResolveReference, Knative's): ".." never climbs above the root
                Arguments.of("dot segments above the root are dropped", broker("default"), "../../up",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/up"),
                Arguments.of("many dot segments above the root, with a query", broker("default"), "../../../a/../b?x=1",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/b?x=1"),
                Arguments.of("dot segments up to the root alone", broker("default"), "../..",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/"),
                Arguments.of("a query alone keeps the base's path", broker("default"), "?x=1",
                        "http://broker-ingress.knative-eventing.svc.cluster.local/demo/default?x=1"),
                Arguments.of("a query alone on a base without a path", service("greeter", null), "?x=1", "http://greeter.demo.svc.cluster.local/?x=1"),
                Arguments.of("a path with a query", service("greeter", null), "in?x=1", "http://greeter.demo.svc.cluster.local/in?x=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void resolves(String name, KReference ref, String uri, String expected) {
        assertThat(Addressing.resolve(destination(ref, uri), "demo", LOOKUP)).isEqualTo(URI.create(expected));
    }

    static Stream<Arguments> refuses() {
        return Stream.of(
                Arguments.of("no destination at all", null, null, Unresolvable.Why.INVALID, "no destination"),
                Arguments.of("neither ref nor uri", null, " ", Unresolvable.Why.INVALID, "a destination needs a ref or a uri"),
                Arguments.of("a relative uri alone", null, "/in", Unresolvable.Why.INVALID, "not an absolute URL"),
                Arguments.of("a uri alone without a host", null, "http:in", Unresolvable.Why.INVALID, "not an absolute URL"),
                Arguments.of("a uri alone that is not a URI", null, "http://a b", Unresolvable.Why.INVALID, "not an absolute URL"),
                Arguments.of("an absolute uri beside a ref (Knative refuses it too)", broker("default"), "http://elsewhere/x",
                        Unresolvable.Why.INVALID, "beside a ref it must be relative"),
                Arguments.of("a ref without a name", ref("eventing.knative.dev/v1", "Broker", null, null), null, Unresolvable.Why.INVALID,
                        "needs a kind and a name"),
                Arguments.of("a ref that does not exist", broker("missing"), null, Unresolvable.Why.NOT_FOUND, "Broker demo/missing not found"),
                Arguments.of("a ref without an address yet", broker("pending"), "x", Unresolvable.Why.NOT_ADDRESSABLE, "no address yet"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refuses(String name, KReference ref, String uri, Unresolvable.Why why, String message) {
        Destination d = ref == null && uri == null && name.startsWith("no destination") ? null : destination(ref, uri);
        assertThatThrownBy(() -> Addressing.resolve(d, "demo", LOOKUP))
                .isInstanceOfSatisfying(Unresolvable.class, e -> assertThat(e.why()).isEqualTo(why))
                .hasMessageContaining(message);
    }

    static Stream<Arguments> addressUrl() {
        return Stream.of(
                Arguments.of("status.address", Map.of("address", Map.of("url", "http://a")), "http://a"),
                Arguments.of("the first of status.addresses wins over status.address",
                        Map.of("addresses", List.of(Map.of("url", "https://first"), Map.of("url", "http://second")), "address", Map.of("url", "http://a")),
                        "https://first"),
                Arguments.of("an empty status.addresses falls back to status.address", Map.of("addresses", List.of(), "address", Map.of("url", "http://a")),
                        "http://a"),
                Arguments.of("no address", Map.of("conditions", List.of()), null),
                Arguments.of("an empty url", Map.of("address", Map.of("url", "")), null),
                Arguments.of("no status", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void addressUrl(String name, Object status, String expected) {
        assertThat(Addressing.addressUrl(status)).isEqualTo(expected);
    }

    @Test
    void aCoreServiceIsItsClusterDnsName() {
        assertThat(Addressing.serviceAddress("greeter", "demo")).isEqualTo(URI.create("http://greeter.demo.svc.cluster.local"));
    }

    @Test
    void orElseAsksTheFallbackOnlyForRefsTheFirstDoesNotKnow() {
        Addressing.Lookup local = ref -> ref.is("kiln.dev", "Function") ? URI.create("http://127.0.0.1:1/") : Addressing.Lookup.NONE.address(ref);
        Addressing.Lookup both = LOOKUP.orElse(local);
        assertThat(both.address(new Addressing.Ref("kiln.dev/v1alpha1", "Function", "demo", "f"))).isEqualTo(URI.create("http://127.0.0.1:1/"));
        // NOT_ADDRESSABLE is an answer, not ignorance: the fallback is not asked.
        assertThatThrownBy(() -> both.address(new Addressing.Ref("eventing.knative.dev/v1", "Broker", "demo", "pending")))
                .isInstanceOfSatisfying(Unresolvable.class, e -> assertThat(e.why()).isEqualTo(Unresolvable.Why.NOT_ADDRESSABLE));
    }

    private static KReference broker(String name) {
        return ref("eventing.knative.dev/v1", "Broker", name, null);
    }

    private static KReference service(String name, String namespace) {
        return ref("serving.knative.dev/v1", "Service", name, namespace);
    }

    private static KReference ref(String apiVersion, String kind, String name, String namespace) {
        KReference r = new KReference(apiVersion, kind, name);
        r.namespace = namespace;
        return r;
    }

    private static Destination destination(KReference ref, String uri) {
        Destination d = new Destination();
        d.ref = ref;
        d.uri = uri;
        return d;
    }
}
