package dev.kiln.builder.plan;

import java.nio.file.Path;
import java.util.Collection;

/**
 * What a build reads from the repository, to tell whether a commit changed it: every file under the context
 * directory (the whole directory is the build context, for both strategies), and the Dockerfile when
 * {@code spec.build.dockerfile} points outside the context. A commit that changes none of these builds the same
 * image, so it does not rebuild the Function.
 */
public final class BuildInputs {

    private BuildInputs() {
    }

    /**
     * @param changedPaths repository paths a commit changed
     * @param contextDir the Function's context directory ("" or null for the repository's root)
     * @param dockerfile {@code spec.build.dockerfile}, relative to the context directory, or null
     * @return whether any of them is a build input
     */
    public static boolean touched(Collection<String> changedPaths, String contextDir, String dockerfile) {
        Path context = Path.of(contextDir == null || contextDir.isBlank() || contextDir.strip().equals(".") ? "" : contextDir.strip()).normalize();
        Path file = dockerfile == null || dockerfile.isBlank() ? null : context.resolve(dockerfile.strip()).normalize();
        for (String changed : changedPaths) {
            Path p = Path.of(changed);
            if (context.toString().isEmpty() || p.startsWith(context) || p.equals(file)) {
                return true;
            }
        }
        return false;
    }
}
