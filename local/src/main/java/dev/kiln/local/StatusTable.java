package dev.kiln.local;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.GitHubSourceSpec;
import dev.kiln.api.sources.v1alpha1.GitLabSourceSpec;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import dev.kiln.eventing.ResourceState;
import dev.kiln.local.functions.LocalFunction;
import dev.kiln.local.manifests.Manifest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every resource's state as {@code kiln get} and {@code kiln dev}'s output show it: one row per manifest (Secrets
 * and ConfigMaps are inputs, not resources that run), with {@code kind}, {@code namespace}, {@code name},
 * {@code ready}, {@code reason}, {@code message}, {@code url}, and for Functions {@code commit}, {@code instances},
 * {@code since} and {@code coldStarts} (count, median, p90 and last, in milliseconds).
 */
final class StatusTable {

    /** Where the states come from. */
    interface States {
        /** @param id {@code namespace/name} @return the Function's state */
        LocalFunction.Status function(String id);

        /** @param id {@code Kind namespace/name} @return the source adapter's state */
        Adapter adapter(String id);

        /** @param resource a Broker, Trigger, Sequence or Parallel @return its state on the eventing plane */
        ResourceState eventing(HasMetadata resource);
    }

    /**
     * A source's adapter.
     *
     * @param port its port when it runs, else null
     * @param problem why it does not run, else null
     */
    record Adapter(Integer port, String problem) {
    }

    private StatusTable() {
    }

    /**
     * The row that says an edit of the manifests was refused: kind {@code Manifests}, named for what {@code kiln dev}
     * watches, not ready, reason {@code InvalidManifests}, every problem in the message.
     *
     * @param watched the directory or file
     * @param problems each with file, document and field path
     * @return the row
     */
    static Map<String, Object> refused(java.nio.file.Path watched, List<String> problems) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", "Manifests");
        row.put("namespace", "");
        row.put("name", String.valueOf(watched));
        row.put("ready", "False");
        row.put("reason", "InvalidManifests");
        row.put("message", problems.size() + (problems.size() == 1 ? " problem" : " problems") + ", the last valid manifests still run: "
                + String.join("; ", problems));
        return row;
    }

    /** Reason of a webhook source whose {@code spec.accessToken} asks for a registration local mode does not make. */
    static final String WEBHOOK_NOT_REGISTERED = "WebhookNotRegistered";

    /**
     * @param spec a source's spec
     * @return the {@code spec.publicURL} a GitHub or GitLab source asks Kiln to register its hooks at (it has
     *     {@code spec.accessToken}; validation requires the URL with it), else null
     */
    private static String hookRegistrationAskedFor(Object spec) {
        if (spec instanceof GitHubSourceSpec g && g.accessToken != null) {
            return g.publicURL;
        }
        if (spec instanceof GitLabSourceSpec g && g.accessToken != null) {
            return g.publicURL;
        }
        return null;
    }

    /**
     * Why a source with {@code spec.accessToken} has no hook in local mode. Registering one at {@code publicURL}, the
     * URL published for the cluster, would point the forge at the cluster (or adopt, and on stop delete, the
     * cluster's own hook), and this machine's adapter listens on 127.0.0.1 at a port of the run: there is no URL of
     * this machine the forge could reach. So the field is reported, not ignored and not acted on.
     */
    private static String webhookNotRegistered(String publicURL, String adapterUrl) {
        return "spec.accessToken: kiln dev registers no webhooks (in a cluster the controller registers them at spec.publicURL "
                + publicURL + ", which reaches the cluster, not this machine); the adapter runs and receives what is delivered to "
                + adapterUrl + " (a hook you register by hand through a tunnel); Functions see new commits through "
                + "spec.source.git.pollInterval";
    }

    static List<Map<String, Object>> rows(List<Manifest> manifests, States states) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Manifest m : manifests) {
            HasMetadata r = m.resource();
            if (r instanceof Secret || r instanceof ConfigMap) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", r.getKind());
            row.put("namespace", r.getMetadata().getNamespace());
            row.put("name", r.getMetadata().getName());
            if (r instanceof Function) {
                LocalFunction.Status s = states.function(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
                row.put("ready", s.ready() ? "True" : "False");
                row.put("reason", s.reason());
                row.put("message", s.message());
                row.put("url", s.url());
                row.put("commit", s.commit());
                row.put("instances", s.instances());
                row.put("since", s.since().toString());
                row.put("coldStarts", s.coldStarts() == null ? null : s.coldStarts().describe());
            } else if (r instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec) {
                Adapter a = states.adapter(m.describe());
                boolean running = a != null && a.port() != null;
                String url = running ? "http://127.0.0.1:" + a.port() : null;
                String publicURL = hookRegistrationAskedFor(cr.getSpec());
                if (running && publicURL != null) {
                    row.put("ready", "False");
                    row.put("reason", WEBHOOK_NOT_REGISTERED);
                    row.put("message", webhookNotRegistered(publicURL, url));
                } else {
                    row.put("ready", running ? "True" : "False");
                    row.put("reason", running ? null : "AdapterFailed");
                    row.put("message", a == null ? null : a.problem());
                }
                row.put("url", url);
            } else {
                ResourceState s = states.eventing(r);
                row.put("ready", s.ready() ? "True" : "False");
                row.put("reason", s.reason());
                row.put("message", s.message());
                row.put("url", s.address());
            }
            rows.add(row);
        }
        return rows;
    }
}
