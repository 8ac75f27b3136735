package dev.kiln.controller.push;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.builder.push.Push;
import dev.kiln.contract.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Turns a push into rebuilds: every Function whose repository (normalised) and revision the push moved gets the
 * pushed commit in its {@value Labels#REFRESH} annotation. That change reconciles the Function,
 * which re-resolves its revision, builds the new commit and rolls a new revision. Writing the commit (not a time)
 * makes a redelivered push a no-op.
 */
public final class PushRouter {

    private static final Logger LOG = Logger.getLogger(PushRouter.class);

    private final KubernetesClient client;
    private final FunctionsByRepository functions;

    /**
     * @param client the client Functions are annotated with
     * @param functions the Functions by repository, from the Function informer's cache (no request per push)
     */
    public PushRouter(KubernetesClient client, FunctionsByRepository functions) {
        this.client = client;
        this.functions = functions;
    }

    /**
     * @param push the push
     * @return the Functions asked to rebuild, as {@code namespace/name}
     * @throws IllegalStateException before the Function informer has started
     */
    public List<String> route(Push push) {
        if (push.deleted()) {
            return List.of(); // a deleted branch has nothing to build; the running revision stays
        }
        // A push names its repository by several URLs (clone, ssh, html); a Function is indexed under one of them.
        Map<String, Function> tracking = new TreeMap<>();
        for (String repository : push.repositories()) {
            for (Function f : functions.tracking(repository)) {
                tracking.put(f.getMetadata().getNamespace() + "/" + f.getMetadata().getName(), f);
            }
        }
        List<String> moved = new java.util.ArrayList<>();
        for (Function f : tracking.values()) {
            GitSource git = f.getSpec().source.git;
            if (!push.moves(git.revision == null ? FunctionDefaults.REVISION : git.revision)) {
                continue;
            }
            String id = f.getMetadata().getNamespace() + "/" + f.getMetadata().getName();
            String current = f.getMetadata().getAnnotations() == null ? null : f.getMetadata().getAnnotations().get(Labels.REFRESH);
            if (!Objects.equals(current, push.after())) {
                // A merge patch of one annotation, without a resourceVersion: it cannot conflict with the reconciler's
                // status writes, and it leaves every other annotation alone.
                String patch = client.getKubernetesSerialization().asJson(
                        Map.of("metadata", Map.of("annotations", Map.of(Labels.REFRESH, push.after()))));
                client.resources(Function.class).inNamespace(f.getMetadata().getNamespace()).withName(f.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                LOG.infof("%s: %s moved to %s, rebuilding", id, push.ref(), push.after());
            }
            moved.add(id);
        }
        return moved;
    }
}
