package dev.kiln.bench.peer;

import dev.kiln.bench.eventing.PlaneMain;
import dev.kiln.eventing.EventingOptions;
import dev.kiln.eventing.EventingPlane;

/**
 * Kiln's eventing plane in a JVM of its own, as the peer's receiver and dispatcher run in theirs: a Broker of class
 * Kafka ({@code kiln/default}, topic {@code knative-broker-kiln-default}, 10 partitions as Knative's default) and one
 * Trigger without filter to the subscriber. Prints {@code KILN_INGRESS=<url>} once both are ready.
 *
 * <p>Usage: {@code KilnBrokerMain <bootstrap-servers> <subscriber-url> [event-loops] [journeys-steps]}
 */
public final class KilnBrokerMain {

    private KilnBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String subscriber = args[1];
        int loops = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int journeys = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        EventingPlane plane = EventingPlane.start(EventingOptions.defaults().withKafka(bootstrap).withEventLoops(loops).withJourneys(journeys));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                plane.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        String manifests = """
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata:
                  name: default
                  namespace: kiln
                  annotations: {eventing.knative.dev/broker.class: Kafka}
                ---
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t1, namespace: kiln}
                spec:
                  broker: default
                  subscriber: {uri: '%s'}
                """.formatted(subscriber);
        PlaneMain.apply(plane, manifests);
        System.out.println("KILN_INGRESS=" + plane.baseUrl() + "/kiln/default");
        Thread.currentThread().join();
    }
}
