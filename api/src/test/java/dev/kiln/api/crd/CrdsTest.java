package dev.kiln.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs in {@code config/300-crds} are generated from the api classes. This test regenerates them and
 * fails when the committed files differ. To update them after an api change:
 * {@code ./mvnw -pl api test -Dtest=CrdsTest -Dkiln.crds.update=true}.
 */
class CrdsTest {

    static final Path COMMITTED = Path.of("..", "config", "300-crds");
    static final Map<String, Class<?>> KINDS = Map.of("Function", Function.class, "GitHubSource", GitHubSource.class,
            "GitLabSource", GitLabSource.class, "KafkaSource", KafkaSource.class, "CronSource", CronSource.class);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    static Path generated;

    @BeforeAll
    static void generate() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        mapper.setAnnotationIntrospector(JavadocDescriptions.read(Path.of("src", "main", "java")));
        new CRDGenerator()
                .inOutputDir(generated.toFile())
                .withObjectMapper(mapper, new KubernetesSerialization(mapper, true))
                .forCRDVersions("v1")
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String crdVersion) {
                        return columnsInDeclaredOrder(crd);
                    }
                })
                .customResourceClasses(KINDS.values().stream().map(CrdsTest::asResource).toList())
                .generate();
        if (Boolean.getBoolean("kiln.crds.update")) {
            Files.createDirectories(COMMITTED);
            for (Path file : crdFiles(generated)) {
                Files.copy(file, COMMITTED.resolve(committedName(file)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void committedCrdsMatchAFreshGeneration() throws IOException {
        List<Path> fresh = crdFiles(generated);
        assertThat(fresh).hasSize(5);
        for (Path file : fresh) {
            Path committed = COMMITTED.resolve(committedName(file));
            assertThat(committed).as("%s is missing; run with -Dkiln.crds.update=true", committed).exists();
            assertThat(Files.readString(committed))
                    .as("%s is stale; regenerate with -Dkiln.crds.update=true", committed)
                    .isEqualTo(Files.readString(file));
        }
        try (Stream<Path> files = Files.list(COMMITTED)) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml")).count())
                    .as("config/300-crds holds only generated CRDs").isEqualTo(fresh.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"functions.kiln.dev", "githubsources.sources.kiln.dev", "gitlabsources.sources.kiln.dev",
            "kafkasources.sources.kiln.dev", "cronsources.sources.kiln.dev"})
    void everyCrdHasStatusSubresourceReadyColumnAndDescriptions(String name) throws IOException {
        JsonNode version = YAML.readTree(generated.resolve(name + "-v1.yml").toFile()).at("/spec/versions/0");
        assertThat(version.at("/subresources/status").isObject()).as("status subresource").isTrue();
        List<String> columns = new ArrayList<>();
        version.at("/additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
        assertThat(columns).contains("Ready", "Reason", "Age");
        assertThat(columns).contains(name.startsWith("functions") ? "URL" : "Sink");
        JsonNode spec = version.at("/schema/openAPIV3Schema/properties/spec");
        assertThat(spec.at("/properties").size()).isPositive();
        spec.at("/properties").fields().forEachRemaining(p ->
                assertThat(p.getValue().path("description").asText()).as("description of spec.%s", p.getKey()).isNotBlank());
    }

    @Test
    void functionColumnsAndNestedDescriptions() throws IOException {
        JsonNode version = YAML.readTree(generated.resolve("functions.kiln.dev-v1.yml").toFile()).at("/spec/versions/0");
        List<String> columns = new ArrayList<>();
        version.at("/additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
        assertThat(columns).containsExactly("Ready", "Reason", "URL", "Commit", "Image", "Age");
        assertThat(version.at("/schema/openAPIV3Schema/properties/spec/properties/source/properties/git/properties/url/description")
                .asText()).startsWith("Repository URL");
        assertThat(version.at("/schema/openAPIV3Schema/properties/status/properties/conditions/items/properties/reason/description")
                .asText()).contains("CamelCase");
    }

    /** The generator sorts printer columns by name; kubectl shows them in list order, so keep the declared one. */
    private static HasMetadata columnsInDeclaredOrder(HasMetadata crd) {
        CustomResourceDefinition definition = (CustomResourceDefinition) crd;
        Class<?> type = KINDS.get(definition.getSpec().getNames().getKind());
        List<String> order = Stream.of(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        definition.getSpec().getVersions().forEach(v -> v.getAdditionalPrinterColumns()
                .sort(Comparator.comparingInt(c -> order.indexOf(c.getName()))));
        return crd;
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends HasMetadata> asResource(Class<?> type) {
        return (Class<? extends HasMetadata>) type;
    }

    private static List<Path> crdFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static String committedName(Path generatedFile) {
        return generatedFile.getFileName().toString().replace("-v1.yml", ".yaml");
    }
}
