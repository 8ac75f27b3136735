package dev.kiln.api.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.api.KilnResource;
import dev.kiln.api.duck.Destination;
import dev.kiln.api.functions.v1alpha1.Function;
import dev.kiln.api.sources.v1alpha1.CronSource;
import dev.kiln.api.sources.v1alpha1.GitHubSource;
import dev.kiln.api.sources.v1alpha1.GitLabSource;
import dev.kiln.api.sources.v1alpha1.KafkaSource;
import dev.kiln.api.validation.Checks;
import dev.kiln.api.validation.FieldErrors;
import dev.kiln.api.validation.ValidationPolicy;
import io.cloudevents.sql.Parser;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.flows.v1.Parallel;
import io.fabric8.knative.flows.v1.Sequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest under examples/ parses strictly (an unknown or misspelt field fails) and validates.
 * Knative's kinds get the checks that Kiln's eventing applies to them: destinations and CESQL.
 */
class ExamplesTest {

    /** The examples are cluster manifests: validated as the controller's prod overlay (kustomize/overlays/prod) would. */
    static final ValidationPolicy CLUSTER = ValidationPolicy.cluster(ValidationPolicy.CLUSTER_GIT_SCHEMES, "registry.example.com/kiln", null);

    static final Path EXAMPLES = Path.of("..", "examples");
    static final ObjectMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    static final Map<String, Class<?>> KINDS = Map.of(
            "kiln.dev/v1alpha1/Function", Function.class,
            "sources.kiln.dev/v1alpha1/GitHubSource", GitHubSource.class,
            "sources.kiln.dev/v1alpha1/GitLabSource", GitLabSource.class,
            "sources.kiln.dev/v1alpha1/KafkaSource", KafkaSource.class,
            "sources.kiln.dev/v1alpha1/CronSource", CronSource.class,
            "eventing.knative.dev/v1/Broker", Broker.class,
            "eventing.knative.dev/v1/Trigger", Trigger.class,
            "flows.knative.dev/v1/Sequence", Sequence.class,
            "flows.knative.dev/v1/Parallel", Parallel.class);

    static Stream<String> documents() throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.toString().contains("/src/"))
                    // Local mode's manifests (a repository path, a Secret) are checked by the cli's ManifestsTest.
                    .filter(f -> !f.toString().contains("/quickstart/"))::iterator) {
                int index = 0;
                for (JsonNode doc : readAll(file)) {
                    if (doc.has("apiVersion") && doc.has("kind")) {
                        ids.add(EXAMPLES.relativize(file) + "#" + index);
                    }
                    index++;
                }
            }
        }
        assertThat(ids).as("examples").hasSizeGreaterThanOrEqualTo(8);
        return ids.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void parsesStrictlyAndValidates(String id) throws IOException {
        String[] parts = id.split("#");
        JsonNode doc = readAll(EXAMPLES.resolve(parts[0])).get(Integer.parseInt(parts[1]));
        String key = doc.get("apiVersion").asText() + "/" + doc.get("kind").asText();
        Class<?> type = KINDS.get(key);
        assertThat(type).as("known kind %s", key).isNotNull();
        Object resource = STRICT.treeToValue(doc, type);
        FieldErrors errors = new FieldErrors();
        if (resource instanceof KilnResource kiln) {
            kiln.applyDefaults();
            errors = kiln.validate(CLUSTER);
        } else if (resource instanceof Trigger trigger) {
            assertThat(trigger.getSpec().getBroker()).as("spec.broker").isNotBlank();
            destination(errors, "spec.subscriber", trigger.getSpec().getSubscriber(), trigger.getMetadata().getNamespace());
            trigger.getSpec().getFilters().forEach(ExamplesTest::parseCesql);
        } else if (resource instanceof Sequence sequence) {
            assertThat(sequence.getSpec().getSteps()).as("spec.steps").isNotEmpty();
            for (int i = 0; i < sequence.getSpec().getSteps().size(); i++) {
                destination(errors, "spec.steps[" + i + "]", sequence.getSpec().getSteps().get(i), sequence.getMetadata().getNamespace());
            }
            if (sequence.getSpec().getReply() != null) {
                destination(errors, "spec.reply", sequence.getSpec().getReply(), sequence.getMetadata().getNamespace());
            }
        } else if (resource instanceof Broker broker && broker.getSpec().getDelivery() != null
                && broker.getSpec().getDelivery().getDeadLetterSink() != null) {
            destination(errors, "spec.delivery.deadLetterSink", broker.getSpec().getDelivery().getDeadLetterSink(), broker.getMetadata().getNamespace());
        }
        assertThat(errors.list()).as(id).isEmpty();
    }

    /** Knative's Destination and Kiln's share the JSON shape, so Kiln's check applies as is. */
    private static void destination(FieldErrors errors, String path, Object knativeDestination, String namespace) throws IOException {
        JsonNode node = STRICT.valueToTree(knativeDestination);
        if (node.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("delivery"); // a Sequence step adds it
        }
        Checks.destination(errors, path, STRICT.treeToValue(node, Destination.class), namespace);
    }

    private static void parseCesql(SubscriptionsAPIFilter filter) {
        if (filter.getCesql() != null) {
            Parser.parseDefault(filter.getCesql());
        }
        filter.getAll().forEach(ExamplesTest::parseCesql);
        filter.getAny().forEach(ExamplesTest::parseCesql);
        if (filter.getNot() != null) {
            parseCesql(filter.getNot());
        }
    }

    private static List<JsonNode> readAll(Path file) throws IOException {
        YAMLMapper yaml = new YAMLMapper(new YAMLFactory());
        return yaml.readValues(yaml.createParser(file.toFile()), JsonNode.class).readAll();
    }
}
