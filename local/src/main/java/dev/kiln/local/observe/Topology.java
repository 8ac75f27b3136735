package dev.kiln.local.observe;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.SourceSpec;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.ParallelBranch;
import io.fabric8.knative.flows.v1.Sequence;
import io.fabric8.knative.flows.v1.SequenceStep;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's graph, drawn from the manifests alone: sources → Brokers → Triggers → Sequences and Parallels →
 * Functions, with an edge for every way an event can go (a source's sink, a Trigger's Broker and subscriber, a flow's
 * steps, branches and reply, a Broker's dead-letter sink). Laid out in those five columns, in name order, so the same
 * manifests always draw the same picture. Pure: no state, no I/O.
 *
 * @param nodes every resource that carries events, and each plain URI that events go to
 * @param edges where events go
 * @param width the drawing's width in pixels
 * @param height its height
 */
public record Topology(List<Node> nodes, List<Edge> edges, int width, int height) {

    static final int COLUMN = 270;
    static final int ROW = 64;
    static final int NODE_WIDTH = 180;
    static final int NODE_HEIGHT = 44;
    static final int MARGIN = 20;

    /**
     * A box in the graph.
     *
     * @param id {@code Kind namespace/name}, or {@code URI <uri>}
     * @param kind the kind ({@code URI} for a plain address)
     * @param name what the box says
     * @param column 0 sources, 1 Brokers, 2 Triggers, 3 flows, 4 Functions and URIs
     * @param x its left edge
     * @param y its top edge
     */
    public record Node(String id, String kind, String name, int column, int x, int y) {
    }

    /**
     * An arrow.
     *
     * @param from a node id
     * @param to a node id
     * @param label what it is, e.g. {@code step 0}, {@code dead letters}
     * @param counter whose counters give its live rate: a Trigger's, a flow's, a source's or a Broker's resource id
     * @param deadLetters whether it carries dead letters (drawn dashed)
     */
    public record Edge(String from, String to, String label, String counter, boolean deadLetters) {
    }

    /**
     * @param resources the manifests' resources
     * @return the graph, laid out
     */
    public static Topology of(List<HasMetadata> resources) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        List<Edge> edges = new ArrayList<>();
        for (HasMetadata r : resources) {
            int column = column(r);
            if (column >= 0) {
                nodes.put(id(r), new Node(id(r), r.getKind(), r.getMetadata().getName(), column, 0, 0));
            }
        }
        for (HasMetadata r : resources) {
            String ns = namespace(r);
            String from = id(r);
            if (r instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec spec && spec.sink != null) {
                link(nodes, edges, from, target(spec.sink.ref == null ? null : spec.sink.ref.apiVersion, spec.sink.ref == null ? null : spec.sink.ref.kind,
                        spec.sink.ref == null ? null : spec.sink.ref.name, spec.sink.ref == null ? null : spec.sink.ref.namespace, spec.sink.uri, ns),
                        "events", from, false);
            } else if (r instanceof Broker b && b.getSpec() != null && b.getSpec().getDelivery() != null) {
                link(nodes, edges, from, target(b.getSpec().getDelivery().getDeadLetterSink(), ns), "dead letters", from, true);
            } else if (r instanceof Trigger t && t.getSpec() != null) {
                String broker = "Broker " + ns + "/" + t.getSpec().getBroker();
                if (nodes.containsKey(broker)) {
                    edges.add(new Edge(broker, from, "", from, false));
                }
                link(nodes, edges, from, target(t.getSpec().getSubscriber(), ns), "", from, false);
                if (t.getSpec().getDelivery() != null) {
                    link(nodes, edges, from, target(t.getSpec().getDelivery().getDeadLetterSink(), ns), "dead letters", from, true);
                }
            } else if (r instanceof Sequence s && s.getSpec() != null) {
                List<SequenceStep> steps = s.getSpec().getSteps() == null ? List.of() : s.getSpec().getSteps();
                for (int i = 0; i < steps.size(); i++) {
                    SequenceStep step = steps.get(i);
                    link(nodes, edges, from, target(new Destination(null, null, step.getRef(), step.getUri()), ns), "step " + i, from, false);
                }
                link(nodes, edges, from, target(s.getSpec().getReply(), ns), "reply", from, false);
            } else if (r instanceof Parallel p && p.getSpec() != null) {
                List<ParallelBranch> branches = p.getSpec().getBranches() == null ? List.of() : p.getSpec().getBranches();
                for (int i = 0; i < branches.size(); i++) {
                    ParallelBranch b = branches.get(i);
                    link(nodes, edges, from, target(b.getFilter(), ns), "branch " + i + " filter", from, false);
                    link(nodes, edges, from, target(b.getSubscriber(), ns), "branch " + i, from, false);
                    link(nodes, edges, from, target(b.getReply(), ns), "branch " + i + " reply", from, false);
                }
                link(nodes, edges, from, target(p.getSpec().getReply(), ns), "reply", from, false);
            }
        }
        return layout(new ArrayList<>(nodes.values()), edges);
    }

    private static Topology layout(List<Node> unplaced, List<Edge> edges) {
        unplaced.sort(Comparator.comparingInt(Node::column).thenComparing(Node::kind).thenComparing(Node::name));
        int[] rows = new int[5];
        List<Node> placed = new ArrayList<>();
        for (Node n : unplaced) {
            int row = rows[n.column()]++;
            placed.add(new Node(n.id(), n.kind(), n.name(), n.column(), MARGIN + n.column() * COLUMN, MARGIN + row * ROW));
        }
        int tallest = 1;
        for (int r : rows) {
            tallest = Math.max(tallest, r);
        }
        return new Topology(placed, edges, 2 * MARGIN + 4 * COLUMN + NODE_WIDTH, 2 * MARGIN + tallest * ROW);
    }

    /** Adds an edge to a target (a node id), creating a node for a plain URI; nothing when there is no target. */
    private static void link(Map<String, Node> nodes, List<Edge> edges, String from, String to, String label, String counter, boolean deadLetters) {
        if (to == null) {
            return;
        }
        if (to.startsWith("URI ") && !nodes.containsKey(to)) {
            nodes.put(to, new Node(to, "URI", to.substring(4), 4, 0, 0));
        }
        if (nodes.containsKey(to)) {
            edges.add(new Edge(from, to, label, counter, deadLetters));
        }
    }

    private static String target(Destination d, String namespace) {
        if (d == null) {
            return null;
        }
        KReference ref = d.getRef();
        return ref == null ? target(null, null, null, null, d.getUri(), namespace)
                : target(ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getNamespace(), d.getUri(), namespace);
    }

    /** The node a destination names: a ref's {@code Kind namespace/name} (a Knative Service is its Function), or its URI. */
    private static String target(String apiVersion, String kind, String name, String refNamespace, String uri, String namespace) {
        if (kind == null) {
            return uri == null || uri.isBlank() ? null : "URI " + uri;
        }
        String ns = refNamespace == null || refNamespace.isBlank() ? namespace : refNamespace;
        String k = "Service".equals(kind) && apiVersion != null && apiVersion.startsWith("serving.knative.dev") ? "Function" : kind;
        return k + " " + ns + "/" + name;
    }

    private static int column(HasMetadata r) {
        if (r instanceof CustomResource<?, ?> cr && cr.getSpec() instanceof SourceSpec) {
            return 0;
        }
        return switch (r.getKind()) {
            case "Broker" -> 1;
            case "Trigger" -> 2;
            case "Sequence", "Parallel" -> 3;
            case "Function" -> r instanceof Function ? 4 : -1;
            default -> -1;
        };
    }

    static String id(HasMetadata r) {
        return r.getKind() + " " + namespace(r) + "/" + r.getMetadata().getName();
    }

    private static String namespace(HasMetadata r) {
        String ns = r.getMetadata().getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }
}
