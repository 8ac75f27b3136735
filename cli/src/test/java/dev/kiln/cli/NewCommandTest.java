package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln new renders the packaged template; function-sdk's TemplateTest compiles and runs what it renders. */
class NewCommandTest {

    @Test
    void thePackagedFileListIsTheTemplate() throws Exception {
        Path template = Path.of("..", "templates", "java-function");
        try (Stream<Path> files = Files.walk(template)) {
            assertThat(files.filter(Files::isRegularFile).map(f -> template.relativize(f).toString().replace('\\', '/')))
                    .filteredOn(f -> !f.equals("README.md")).containsExactlyInAnyOrderElementsOf(NewCommand.FILES);
        }
    }

    @Test
    void rendersAFunctionWithEveryPlaceholderReplaced(@TempDir Path dir) throws Exception {
        int exit = Kiln.commandLine().execute("new", "order-audit", "--group", "com.acme", "--dir", dir.toString());
        assertThat(exit).isEqualTo(Kiln.OK);
        Path out = dir.resolve("order-audit");
        assertThat(out.resolve("src/main/java/com/acme/orderaudit/OrderAudit.java")).isRegularFile();
        assertThat(out.resolve("src/test/java/com/acme/orderaudit/OrderAuditTest.java")).isRegularFile();
        assertThat(out.resolve("src/main/resources/META-INF/services/dev.kiln.function.CloudFunction")).hasContent("com.acme.orderaudit.OrderAudit");
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("{{");
            }
        }
        assertThat(Files.readString(out.resolve("pom.xml"))).contains("<artifactId>order-audit</artifactId>", "<groupId>com.acme</groupId>");
        assertThat(Kiln.commandLine().execute("new", "order-audit", "--dir", dir.toString())).as("exists").isEqualTo(Kiln.FAILED);
        assertThat(Kiln.commandLine().execute("new", "Order_Audit", "--dir", dir.toString())).as("not kebab-case").isEqualTo(Kiln.USAGE);
    }
}
