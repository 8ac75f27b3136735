package dev.kiln.controller.push;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.functions.v1alpha1.FunctionDefaults;
import dev.kiln.api.functions.v1alpha1.GitSource;
import dev.kiln.builder.push.Push;
import dev.kiln.builder.push.RepositoryUrls;
import dev.kiln.contract.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** @param client the client Functions are read and annotated with */
    public PushRouter(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param push the push
     * @return the Functions asked to rebuild, as {@code namespace/name}
     */
    public List<String> route(Push push) {
        if (push.deleted()) {
            return List.of(); // a deleted branch has nothing to build; the running revision stays
        }
        List<String> moved = new java.util.ArrayList<>();
        for (Function f : client.resources(Function.class).inAnyNamespace().list().getItems()) {
            GitSource git = f.getSpec() == null || f.getSpec().source == null ? null : f.getSpec().source.git;
            String url = git == null ? null : RepositoryUrls.normalize(git.url);
            if (url == null || !push.repositories().contains(url)
                    || !push.moves(git.revision == null ? FunctionDefaults.REVISION : git.revision)) {
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
