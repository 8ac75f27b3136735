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
import dev.kiln.api.validation.ValidationPolicy;
import dev.kiln.eventing.ResourceChecks;
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
 * they name. Fields are read strictly at every depth (a misspelt field is an error wherever it is, as
 * {@code kubectl apply --validate=strict} makes it), defaults are applied, and every resource is validated. All problems are collected and reported at
 * once, each with file, document and field path, before anything starts.
 */
public final class Manifests {

    /**
     * fabric8's models (Knative's kinds, ConfigMap, Secret, and everything nested in them) keep unknown fields in an
     * {@code additionalProperties} map through {@code @JsonAnySetter}, so a misspelt {@code spec.delivery.retries}
     * would be kept aside and ignored. This mapper does not see any-setters, nor {@code ignoreUnknown}: every field it
     * does not know is handed to {@link UnknownFields}, at whatever depth.
     */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(com.fasterxml.jackson.databind.introspect.Annotated a) {
                    return Boolean.FALSE;
                }

                @Override
                public com.fasterxml.jackson.annotation.JsonIgnoreProperties.Value findPropertyIgnoralByName(
                        com.fasterxml.jackson.databind.cfg.MapperConfig<?> config, com.fasterxml.jackson.databind.introspect.Annotated a) {
                    return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
                }
            });
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
                        .filter(f -> isManifest(dir, f)).sorted().toList();
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
                UnknownFields unknown = new UnknownFields();
                try {
                    resource = STRICT.readerFor(type).withHandler(unknown).readValue(doc);
                } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
                    problems.add(where + " " + doc.path("kind").asText() + ": " + UnknownFields.path(e.getPath()) + e.getOriginalMessage());
                    continue;
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
                Path workingTree = resource instanceof Function f ? localPath(f, file, problems, where) : null;
                Manifest manifest = new Manifest(file, i, resource, workingTree);
                Manifest before = seen.put(manifest.describe(), manifest);
                if (before != null) {
                    problems.add(where + " " + manifest.describe() + ": also defined at " + before.where());
                    continue;
                }
                for (String field : unknown.fields()) {
                    problems.add(where + " " + resource.getKind() + ": " + field + ": unknown field");
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
     * Whether a YAML file under the directory {@code kiln dev} reads is a manifest. Not: what is under a hidden
     * directory ({@code .kiln}, {@code .git}...), and in a Maven project (a directory with a {@code pom.xml}) what is
     * under its {@code src/} and {@code target/}, where YAML is the function's own configuration or build output.
     *
     * @param root the directory given to {@code kiln dev}
     * @param file a YAML file under it
     * @return true to read it
     */
    static boolean isManifest(Path root, Path file) {
        Path relative = root.relativize(file);
        Path parent = root;
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            String name = relative.getName(i).toString();
            if (name.startsWith(".") && !name.equals(".") && !name.equals("..")
                    || (name.equals("src") || name.equals("target")) && Files.isRegularFile(parent.resolve("pom.xml"))) {
                return false;
            }
            parent = parent.resolve(name);
        }
        return true;
    }

    /**
     * Local mode also takes a path for {@code spec.source.git.url}, relative to the manifest's directory: the
     * function's working tree ({@code contextDir} inside it), built as it is, uncommitted changes included, and
     * rebuilt when it changes. It has no revision to follow, to poll or to authenticate, so {@code revision},
     * {@code pollInterval} and {@code secretRef} are refused with it ({@code file://} URLs build commits of a local
     * repository). The URL becomes the {@code file://} URL of the tree for the validation every Function gets.
     *
     * @return the working tree, or null when the URL is not a local path
     */
    static Path localPath(Function f, Path manifest, List<String> problems, String where) {
        if (f.getSpec() == null || f.getSpec().source == null || f.getSpec().source.git == null) {
            return null;
        }
        var git = f.getSpec().source.git;
        String url = git.url;
        if (url == null || !(url.startsWith("./") || url.startsWith("../") || url.equals(".") || url.equals("..") || url.startsWith("/"))) {
            return null;
        }
        String prefix = where + " Function " + (f.getMetadata().getNamespace() == null ? "default" : f.getMetadata().getNamespace()) + "/"
                + f.getMetadata().getName() + ": spec.source.git.";
        String why = ": a local path builds its working tree as it is (uncommitted changes included); "
                + "for commits of a repository on this machine, use a file:// URL";
        if (git.revision != null) {
            problems.add(prefix + "revision" + why);
        }
        if (git.pollInterval != null) {
            problems.add(prefix + "pollInterval" + why + " (a working tree is watched, not polled)");
        }
        if (git.secretRef != null) {
            problems.add(prefix + "secretRef" + why + " (a working tree needs no credentials)");
        }
        Path repo = manifest.toAbsolutePath().getParent().resolve(url).normalize();
        git.url = repo.toUri().toString();
        return git.contextDir == null || git.contextDir.isEmpty() ? repo : repo.resolve(git.contextDir).normalize();
    }

    private static FieldErrors validate(HasMetadata resource) {
        if (resource instanceof KilnResource kiln) {
            kiln.applyDefaults();
            return kiln.validate(ValidationPolicy.LOCAL);
        }
        if (resource instanceof Secret || resource instanceof ConfigMap) {
            return new FieldErrors();
        }
        return ResourceChecks.validate(resource);
    }
}
