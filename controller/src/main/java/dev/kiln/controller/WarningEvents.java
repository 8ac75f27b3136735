package dev.kiln.controller;

import dev.kiln.api.duck.Condition;
import dev.kiln.api.duck.Status;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Warning Events on Kiln's objects, so {@code kubectl describe} and {@code kubectl get events} show a refusal beside
 * the condition that reports it, as Knative's reconcilers do through client-go's event recorder (knative.dev/pkg
 * {@code controller}: a core/v1 Event per warning, aggregated by the recorder's correlator).
 *
 * <p>An Event is recorded when a condition turns {@code False} with one of the object's warning reasons (its
 * lifecycle's {@code WARNINGS}), or when such a refusal's message changes; not on every reconcile that finds it still
 * refused (the retries of a refused write would flood the namespace). The transition is read from the status the
 * reconcile found, so a restarted controller records nothing again. One Event per reason and message: {@code Ready}
 * repeats its dependent's.
 *
 * <p>A repeat of the same warning on the same object (refused, admitted, refused again) raises the count of its Event,
 * as client-go's {@code EventLogger} does: a merge patch of {@code count} and {@code lastTimestamp} on the Event this
 * process created, or a new Event when that one has expired (the API server keeps Events an hour by default) or was
 * created before a restart. Written by hand: neither fabric8 nor the operator SDK has an event recorder.
 *
 * <p>An Event that cannot be written is logged and dropped: Events are best effort, the status is the record.
 */
public final class WarningEvents {

    private static final Logger LOG = Logger.getLogger(WarningEvents.class);
    /** {@code source.component} and {@code reportingComponent}, as Knative names its controllers' agents. */
    public static final String COMPONENT = "kiln-controller";
    /** The longest message an Event carries (events.k8s.io's {@code note} limit; core/v1 messages are cut alike). */
    static final int MESSAGE_LIMIT = 1024;

    /** A warning the status shows: a False condition's reason and message. */
    public record Warning(String reason, String message) {
    }

    private record Recorded(String name, int count) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    /** What this process recorded, by object UID and warning: the Event's name and count. */
    private final Map<String, Recorded> recorded = RecentlyUsed.map();

    /**
     * @param client the client Events are written with
     * @param clock the time of the Events
     */
    public WarningEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /**
     * @param status a status
     * @param reasons the reasons that are warnings
     * @return the warnings it shows: its False conditions with one of {@code reasons}, once per reason and message
     */
    public static Set<Warning> of(Status status, Set<String> reasons) {
        Set<Warning> warnings = new LinkedHashSet<>();
        if (status != null && status.conditions != null) {
            for (Condition c : status.conditions) {
                if (c.isFalse() && reasons.contains(c.reason)) {
                    warnings.add(new Warning(c.reason, c.message));
                }
            }
        }
        return warnings;
    }

    /**
     * Records a Warning Event for each warning the object shows now and did not show before.
     *
     * @param object the object the Events are about (its status written)
     * @param before the warnings its status showed when the reconcile read it ({@link #of})
     * @param after the warnings it shows now
     */
    public void recordNew(HasMetadata object, Set<Warning> before, Set<Warning> after) {
        for (Warning w : after) {
            if (!before.contains(w)) {
                record(object, w);
            }
        }
    }

    private void record(HasMetadata object, Warning warning) {
        String key = object.getMetadata().getUid() + "\n" + warning.reason() + "\n" + warning.message();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            Recorded last = recorded.get(key);
            if (last != null) {
                try {
                    String patch = client.getKubernetesSerialization().asJson(Map.of("count", last.count() + 1, "lastTimestamp", now));
                    // On a resource() (not withName()), so fabric8 sends the patch without reading the Event first: the
                    // controller may not get Events.
                    Event named = new EventBuilder().withNewMetadata().withName(last.name()).withNamespace(object.getMetadata().getNamespace())
                            .endMetadata().build();
                    client.v1().events().inNamespace(object.getMetadata().getNamespace()).resource(named)
                            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                    recorded.put(key, new Recorded(last.name(), last.count() + 1));
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                    // Expired: a new Event, as client-go's recorder creates one when its patch finds none.
                }
            }
            Event event = client.v1().events().inNamespace(object.getMetadata().getNamespace()).resource(event(object, warning, now)).create();
            recorded.put(key, new Recorded(event.getMetadata().getName(), 1));
        } catch (KubernetesClientException e) {
            LOG.warnf("%s/%s: could not record the Warning Event %s: %s", object.getMetadata().getNamespace(), object.getMetadata().getName(),
                    warning.reason(), e.getMessage());
        }
    }

    private Event event(HasMetadata object, Warning warning, String now) {
        Instant t = clock.instant();
        String message = warning.message() == null ? "" : warning.message();
        return new EventBuilder()
                // client-go's name: the object's name and the time in nanoseconds, in hex.
                .withNewMetadata().withName(object.getMetadata().getName() + "." + Long.toHexString(t.getEpochSecond() * 1_000_000_000L + t.getNano()))
                .withNamespace(object.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion(object.getApiVersion()).withKind(object.getKind())
                .withNamespace(object.getMetadata().getNamespace()).withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid()).withResourceVersion(object.getMetadata().getResourceVersion()).endInvolvedObject()
                .withType("Warning").withReason(warning.reason())
                .withMessage(message.length() > MESSAGE_LIMIT ? message.substring(0, MESSAGE_LIMIT - 3) + "..." : message)
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
    }
}
