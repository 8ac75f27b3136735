package dev.kiln.local.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;

/**
 * One document of a manifest file, read into its kind's class.
 *
 * @param file the file it came from
 * @param document its index in the file (0-based, as {@code kubectl} counts documents)
 * @param resource the resource, its namespace defaulted to {@code default}
 * @param workingTree for a Function whose source is a local path, the directory it builds as it is (uncommitted
 *     changes included); else null
 */
public record Manifest(Path file, int document, HasMetadata resource, Path workingTree) {

    /**
     * A resource that is not a working-tree Function.
     *
     * @param file the file it came from
     * @param document its index in the file
     * @param resource the resource
     */
    public Manifest(Path file, int document, HasMetadata resource) {
        this(file, document, resource, null);
    }

    /** @return {@code Kind namespace/name}, for messages */
    public String describe() {
        return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    /** @return {@code file#document}, for messages */
    public String where() {
        return file + "#" + document;
    }
}
