package dev.kiln.local.manifests;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.api.KilnResource;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.validation.FieldError;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.eventing.EventingPlane;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.Sequence;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads every manifest under a directory (multi-document YAML, {@code .yaml} and {@code .yml}) the way the cluster
 * would take them: Kiln's kinds, Knative's Broker, Trigger, Sequence and Parallel, and the ConfigMaps and Secrets
 * they name. Fields are read strictly (a misspelt field is an error, as {@code kubectl apply --validate=strict}
 * makes it), defaults are applied, and every resource is validated. All problems are collected and reported at
 * once, each with file, document and field path, before anything starts.
 */
public final class Manifests {

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("kiln.dev/v1alpha1/Function", Function.class),
            Map.entry("sources.kiln.dev/v1alpha1/GitHubSource", GitHubSource.class),
            Map.entry("sources.kiln.dev/v1alpha1/GitLabSource", GitLabSource.class),
            Map.entry("sources.kiln.dev/v1alpha1/KafkaSource", KafkaSource.class),
            Map.entry("sources.kiln.dev/v1alpha1/CronSource", CronSource.class),
            Map.entry("eventing.knative.dev/v1/Broker", Broker.class),
            Map.entry("eventing.knative.dev/v1/Trigger", Trigger.class),
            Map.entry("flows.knative.dev/v1/Sequence", Sequence.class),
            Map.entry("flows.knative.dev/v1/Parallel", Parallel.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class));

    private Manifests() {
    }

    /**
     * @param dir a directory (read recursively, in path order) or a single file
     * @return every resource, validated and defaulted
     * @throws ManifestException listing every problem
     * @throws IOException when a file cannot be read
     */
    public static List<Manifest> load(Path dir) throws ManifestException, IOException {
        List<Path> files;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .filter(f -> !f.toString().contains("/.kiln/")).sorted().toList();
            }
        } else if (Files.isRegularFile(dir)) {
            files = List.of(dir);
        } else {
            throw new ManifestException(List.of(dir + ": no such file or directory"));
        }
        List<String> problems = new ArrayList<>();
        List<Manifest> manifests = new ArrayList<>();
        Map<String, Manifest> seen = new HashMap<>();
        for (Path file : files) {
            List<JsonNode> docs;
            try {
                docs = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll();
            } catch (IOException e) {
                problems.add(file + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            for (int i = 0; i < docs.size(); i++) {
                JsonNode doc = docs.get(i);
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String where = file + "#" + i;
                String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(key);
                if (type == null) {
                    problems.add(where + ": kind " + key + " is not one kiln dev runs (Kiln's kinds, Broker, Trigger, Sequence, Parallel, ConfigMap, Secret)");
                    continue;
                }
                HasMetadata resource;
                try {
                    resource = STRICT.treeToValue(doc, type);
                } catch (IOException e) {
                    problems.add(where + " " + doc.path("kind").asText() + ": " + e.getMessage().lines().findFirst().orElse(""));
                    continue;
                }
                if (resource.getMetadata() == null || resource.getMetadata().getName() == null || resource.getMetadata().getName().isBlank()) {
                    problems.add(where + " " + resource.getKind() + ": metadata.name: is required");
                    continue;
                }
                if (resource.getMetadata().getNamespace() == null) {
                    resource.getMetadata().setNamespace("default");
                }
                Manifest manifest = new Manifest(file, i, resource);
                Manifest before = seen.put(manifest.describe(), manifest);
                if (before != null) {
                    problems.add(where + " " + manifest.describe() + ": also defined at " + before.where());
                    continue;
                }
                unknownFields(resource, "", problems, where + " " + resource.getKind());
                try {
                    Object spec = resource.getClass().getMethod("getSpec").invoke(resource);
                    unknownFields(spec, "spec.", problems, where + " " + resource.getKind());
                } catch (ReflectiveOperationException e) {
                    // no spec (ConfigMap, Secret)
                }
                if (resource instanceof Function f) {
                    localPath(f, file);
                }
                for (FieldError e : validate(resource).list()) {
                    problems.add(where + " " + manifest.describe() + ": " + e.path() + ": " + e.message());
                }
                manifests.add(manifest);
            }
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(problems);
        }
        return List.copyOf(manifests);
    }

    /**
     * fabric8's models (Knative's kinds, ConfigMap, Secret) keep unknown fields instead of failing on them; a
     * misspelt field at the top or in {@code spec} is reported here as strict parsing reports Kiln's own.
     */
    private static void unknownFields(Object o, String prefix, List<String> problems, String where) {
        if (o == null) {
            return;
        }
        try {
            Object extra = o.getClass().getMethod("getAdditionalProperties").invoke(o);
            if (extra instanceof Map<?, ?> m) {
                for (Object field : m.keySet()) {
                    problems.add(where + ": " + prefix + field + ": unknown field");
                }
            }
        } catch (ReflectiveOperationException e) {
            // Kiln's own classes: strict parsing already refused unknown fields
        }
    }

    /**
     * Local mode also takes a path for {@code spec.source.git.url} (a repository on this machine), relative to the
     * manifest's directory: it becomes the {@code file://} URL the builder and the cluster's validation know.
     */
    static void localPath(Function f, Path manifest) {
        if (f.getSpec() == null || f.getSpec().source == null || f.getSpec().source.git == null) {
            return;
        }
        String url = f.getSpec().source.git.url;
        if (url != null && (url.startsWith("./") || url.startsWith("../") || url.equals(".") || url.equals("..") || url.startsWith("/"))) {
            Path repo = manifest.toAbsolutePath().getParent().resolve(url).normalize();
            f.getSpec().source.git.url = repo.toUri().toString();
        }
    }

    private static FieldErrors validate(HasMetadata resource) {
        if (resource instanceof KilnResource kiln) {
            kiln.applyDefaults();
            return kiln.validate();
        }
        if (resource instanceof Secret || resource instanceof ConfigMap) {
            return new FieldErrors();
        }
        return EventingPlane.validate(resource);
    }
}
