package dev.kiln.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The overlays render with the real {@code kubectl kustomize}. Skipped, and says so, on a machine without
 * kubectl (kustomize has no Java implementation worth trusting instead).
 */
class KustomizeTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void overlayRenders(String overlay) throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on PATH: kustomize overlays not rendered");
        Process p = new ProcessBuilder("kubectl", "kustomize", Path.of("..", "kustomize", "overlays", overlay).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> objects = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        for (JsonNode doc : yaml.readValues(yaml.createParser(out), JsonNode.class).readAll()) {
            objects.add(doc.get("kind").asText() + "/" + doc.at("/metadata/name").asText());
            assertThat(doc.at("/metadata/labels/kiln.dev~1environment").asText()).isEqualTo(overlay);
        }
        assertThat(objects).contains("Namespace/kiln-system", "CustomResourceDefinition/functions.kiln.dev",
                "CustomResourceDefinition/githubsources.sources.kiln.dev", "CustomResourceDefinition/gitlabsources.sources.kiln.dev",
                "CustomResourceDefinition/kafkasources.sources.kiln.dev", "CustomResourceDefinition/cronsources.sources.kiln.dev");
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
