package dev.kiln.local;

import dev.kiln.builder.push.PushEvents;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.BrokerBuilder;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * What local mode adds to every Broker of the manifests, pointing at {@code kiln dev}'s own API: its dead-letter
 * store, and a Trigger for GitHub and GitLab pushes. Pure.
 *
 * @param adminUrl the base URL of {@code kiln dev}'s API ({@link AdminApi})
 */
record LocalBrokers(String adminUrl) {

    /**
     * @param r a resource of the plane
     * @return what the plane runs for it: a Broker with local mode's dead letters and its push Trigger, else itself
     */
    List<HasMetadata> onThePlane(HasMetadata r) {
        return r instanceof Broker b ? List.of(withDeadLetters(b), pushTrigger(b)) : List.of(r);
    }

    /**
     * A Broker without a dead-letter sink gets local mode's store ({@code kiln dlq}): what a cluster would drop after
     * the retries is kept on disk instead. A Broker that names its own sink keeps it.
     */
    Broker withDeadLetters(Broker broker) {
        var spec = broker.getSpec();
        if (spec != null && spec.getDelivery() != null && spec.getDelivery().getDeadLetterSink() != null) {
            return broker;
        }
        String uri = adminUrl + "/dlq/" + broker.getMetadata().getNamespace() + "/" + broker.getMetadata().getName();
        return new BrokerBuilder(broker).editOrNewSpec().editOrNewDelivery()
                .withNewDeadLetterSink().withUri(uri).endDeadLetterSink().endDelivery().endSpec().build();
    }

    /**
     * The Trigger local mode adds to every Broker: GitHub and GitLab pushes go to {@code kiln dev} itself, which
     * rebuilds the functions tracking the pushed branch, as the controller's push endpoint does in a cluster. It is
     * not listed by {@code kiln get}: it is part of the platform, not of the manifests.
     */
    Trigger pushTrigger(Broker broker) {
        return new TriggerBuilder().withNewMetadata().withName("kiln-dev-push-" + broker.getMetadata().getName())
                .withNamespace(broker.getMetadata().getNamespace()).endMetadata()
                .withNewSpec().withBroker(broker.getMetadata().getName())
                .addNewFilter().addNewAny().addToExact("type", PushEvents.GITHUB_PUSH).endAny()
                .addNewAny().addToExact("type", PushEvents.GITLAB_PUSH).endAny().endFilter()
                .withNewSubscriber().withUri(adminUrl + "/push").endSubscriber()
                .endSpec().build();
    }
}
