package dev.kiln.api.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What a Function may name where it runs. The rules are the same in both modes and live in one place
 * ({@link dev.kiln.api.functions.v1alpha1.FunctionValidation}); this says how far they reach:
 * <ul>
 * <li>{@link #LOCAL} ({@code kiln dev}, one user on one machine): Git URLs of every scheme Kiln fetches, local paths
 *     and {@code file://} included; images are not confined, since local mode pushes none;</li>
 * <li>{@link #cluster} (the controller, many namespaces sharing it): Git URLs of the schemes the installation allows,
 *     {@code https} and {@code ssh} unless the operator allows more, since the controller fetches them from inside the
 *     cluster with its own file system and network; and every image under the Function's own repository path of the
 *     installation's registry, since every namespace's builds push with the same credentials.</li>
 * </ul>
 *
 * @param gitSchemes the URL schemes a Function's Git URL may use; {@code ssh} covers scp-like {@code user@host:path}
 * @param registry where every Function's images go, as {@code <registry>/<namespace>/<name>} and below, or null when
 *     images are not confined
 * @param gitSchemesSetting the setting that allows more schemes, named in errors, or null
 */
public record ValidationPolicy(Set<String> gitSchemes, String registry, String gitSchemesSetting) {

    /** Every scheme Kiln can fetch Git from, in the order errors list them. */
    public static final List<String> GIT_SCHEMES = List.of("https", "ssh", "http", "file");
    /** The schemes a cluster allows unless its operator allows more. */
    public static final Set<String> CLUSTER_GIT_SCHEMES = Set.of("https", "ssh");
    /** {@code kiln dev}: every Git scheme, images not confined. */
    public static final ValidationPolicy LOCAL = new ValidationPolicy(Set.copyOf(GIT_SCHEMES), null, null);

    /**
     * @throws IllegalArgumentException when a scheme is not one Kiln fetches from
     */
    public ValidationPolicy {
        gitSchemes = Set.copyOf(gitSchemes);
        for (String scheme : gitSchemes) {
            if (!GIT_SCHEMES.contains(scheme)) {
                throw new IllegalArgumentException("'" + scheme + "' is not a Git URL scheme Kiln fetches from: use " + String.join(", ", GIT_SCHEMES));
            }
        }
        if (gitSchemes.isEmpty()) {
            throw new IllegalArgumentException("at least one Git URL scheme must be allowed, e.g. https");
        }
    }

    /**
     * A cluster's policy.
     *
     * @param gitSchemes the Git URL schemes the installation allows
     * @param registry the registry path images go under, e.g. {@code registry.example.com/kiln}
     * @param gitSchemesSetting the setting that allows more schemes, named in errors
     * @return the policy
     * @throws IllegalArgumentException when a scheme is unknown or the registry is not an image repository path
     */
    public static ValidationPolicy cluster(Collection<String> gitSchemes, String registry, String gitSchemesSetting) {
        FieldErrors errors = new FieldErrors();
        Checks.imageRepository(errors, "registry", registry);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("'" + registry + "' is not a registry path images can go under: "
                    + errors.list().get(0).message());
        }
        return new ValidationPolicy(Set.copyOf(gitSchemes), registry, gitSchemesSetting);
    }

    /** @return the allowed schemes in a fixed order, for messages */
    public List<String> orderedGitSchemes() {
        List<String> ordered = new ArrayList<>(GIT_SCHEMES);
        ordered.retainAll(gitSchemes);
        return ordered;
    }

    /**
     * The repository path a Function owns, its images' default; a cluster refuses images outside it.
     *
     * @param namespace the Function's namespace
     * @param name its name
     * @return {@code <registry>/<namespace>/<name>}
     * @throws IllegalStateException when images are not confined (no registry)
     */
    public String functionRepository(String namespace, String name) {
        if (registry == null) {
            throw new IllegalStateException("no registry: images are not confined here");
        }
        return registry + "/" + namespace + "/" + name;
    }
}
