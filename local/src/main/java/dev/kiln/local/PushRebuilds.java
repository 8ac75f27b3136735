package dev.kiln.local;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.builder.push.Push;
import dev.kiln.builder.push.RepositoryUrls;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which Functions a push moves, as the controller's push endpoint decides it in a cluster: those whose repository is
 * among the push's and whose revision is the branch or tag it moved. A deleted branch moves nothing.
 */
public final class PushRebuilds {

    private PushRebuilds() {
    }

    /**
     * @param push a GitHub or GitLab push
     * @param functions the Functions to match
     * @return the ones to resolve again, in the given order
     */
    public static List<Function> moved(Push push, Collection<Function> functions) {
        List<Function> moved = new ArrayList<>();
        if (push.deleted()) {
            return moved;
        }
        for (Function f : functions) {
            var git = f.getSpec().source.git;
            String url = RepositoryUrls.normalize(git.url);
            if (url != null && push.repositories().contains(url) && push.moves(git.revision)) {
                moved.add(f);
            }
        }
        return moved;
    }
}
