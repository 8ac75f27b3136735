package dev.kiln.local;

import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.local.manifests.Manifest;
import dev.kiln.local.manifests.Manifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Manifests from YAML text, read as kiln dev reads them (validated, defaulted). */
final class TestManifests {

    private TestManifests() {
    }

    static List<Manifest> of(String yaml) {
        try {
            Path dir = Files.createTempDirectory("kiln-manifests");
            Files.writeString(dir.resolve("m.yaml"), yaml);
            return Manifests.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (dev.kiln.local.manifests.ManifestException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static Function function(List<Manifest> manifests, String name) {
        return manifests.stream().map(Manifest::resource).filter(Function.class::isInstance).map(Function.class::cast)
                .filter(f -> f.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    static Manifest manifest(List<Manifest> manifests, String name) {
        return manifests.stream().filter(m -> m.resource() instanceof Function f && f.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }
}
