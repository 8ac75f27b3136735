package dev.kiln.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.functions.v1alpha1.Function;
import io.fabric8.knative.eventing.v1.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln dev on a function project without manifests: the Function, Broker and Trigger it would have. */
class FunctionProjectTest {

    static final String POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.example</groupId>
              <artifactId>%s</artifactId>
              <version>1</version>
              <dependencies>
                <dependency><groupId>dev.kiln</groupId><artifactId>%s</artifactId><version>0.1.0-SNAPSHOT</version></dependency>
              </dependencies>
            </project>
            """;

    @Test
    void aProjectWithoutManifestsRunsAsItsFunctionBehindABrokerDefault(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pom.xml"), POM.formatted("order-audit", "kiln-function-sdk"));
        List<Manifest> manifests = FunctionProject.load(dir);
        assertThat(manifests).extracting(Manifest::describe).containsExactly("Function default/order-audit", "Broker default/default",
                "Trigger default/order-audit");
        assertThat(manifests).allSatisfy(m -> assertThat(m.file()).isEqualTo(dir.resolve("pom.xml")));
        Function f = (Function) manifests.get(0).resource();
        assertThat(manifests.get(0).workingTree()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(f.getSpec().source.git.url).isEqualTo(dir.toAbsolutePath().normalize().toUri().toString());
        Trigger t = (Trigger) manifests.get(2).resource();
        assertThat(t.getSpec().getBroker()).isEqualTo("default");
        assertThat(t.getSpec().getSubscriber().getRef().getName()).isEqualTo("order-audit");
    }

    @Test
    void manifestsWinAndOtherDirectoriesAreLeftAlone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pom.xml"), POM.formatted("order-audit", "kiln-function-sdk"));
        Files.writeString(dir.resolve("broker.yaml"), "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: mine}\n");
        assertThat(FunctionProject.load(dir)).extracting(Manifest::describe).containsExactly("Broker default/mine");
        Files.delete(dir.resolve("broker.yaml"));
        Files.writeString(dir.resolve("pom.xml"), POM.formatted("order-audit", "commons-lang3"));
        assertThat(FunctionProject.load(dir)).as("not on the SDK: not a function project").isEmpty();
    }

    @Test
    void anArtifactIdThatCannotNameAFunctionIsSaid(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pom.xml"), POM.formatted("Order_Audit", "kiln-function-sdk"));
        assertThatThrownBy(() -> FunctionProject.load(dir)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("the artifactId Order_Audit cannot name a Function").hasMessageContaining("add a manifest");
    }

    @Test
    void whatKilnNewWritesLoadsAsAWorkingTreeFunction(@TempDir Path dir) throws Exception {
        String template = Files.readString(Path.of("..", "templates", "java-function", "kiln.yaml"));
        Files.writeString(dir.resolve("kiln.yaml"), template.replace("{{name}}", "hello").replace("{{eventType}}", "com.example.hello"));
        Files.writeString(dir.resolve("pom.xml"), POM.formatted("hello", "kiln-function-sdk"));
        List<Manifest> manifests = FunctionProject.load(dir);
        assertThat(manifests).extracting(Manifest::describe).containsExactly("Function default/hello", "Broker default/default", "Trigger default/hello");
        assertThat(manifests.get(0).workingTree()).isEqualTo(dir.toAbsolutePath().normalize());
    }
}
