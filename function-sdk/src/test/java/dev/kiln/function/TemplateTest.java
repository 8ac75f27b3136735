package dev.kiln.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.function.testing.FunctionTester;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders templates/java-function, compiles it against this SDK and calls the rendered function. */
class TemplateTest {

    static final Path TEMPLATE = Path.of("..", "templates", "java-function");
    static final Map<String, String> VALUES = Map.of("{{name}}", "hello-world", "{{Name}}", "HelloWorld",
            "{{package}}", "com.example.hello", "{{groupId}}", "com.example", "{{eventType}}", "com.example.hello",
            "{{kilnVersion}}", "0.1.0-SNAPSHOT");

    @TempDir
    Path out;

    @Test
    void rendersCompilesAndRuns() throws Exception {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(TEMPLATE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path relative = TEMPLATE.relativize(file);
                String text = render(Files.readString(file));
                assertThat(text).as(relative + " has no placeholder left").doesNotContain("{{");
                Path target = out.resolve(relative.toString());
                if (relative.toString().endsWith(".java.tmpl")) {
                    String className = relative.getFileName().toString().startsWith("FunctionTest") ? "HelloWorldTest" : "HelloWorld";
                    target = out.resolve(relative.getParent()).resolve("com/example/hello").resolve(className + ".java");
                    sources.add(target);
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, text);
            }
        }
        assertThat(sources).hasSize(2);
        assertThat(out.resolve("src/main/resources/META-INF/services/dev.kiln.function.CloudFunction"))
                .hasContent("com.example.hello.HelloWorld");

        Path classes = Files.createDirectories(out.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "--release", "17"));
        sources.forEach(s -> args.add(s.toString()));
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("the rendered sources compile").isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            CloudFunction<?, ?> function = (CloudFunction<?, ?>) loader.loadClass("com.example.hello.HelloWorld")
                    .getDeclaredConstructor().newInstance();
            try (FunctionTester fn = FunctionTester.of(function)) {
                var ok = fn.invoke(CloudEventBuilder.v1().withId("1").withSource(URI.create("/t")).withType("com.example.hello")
                        .withData("application/json", "{\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8)).build());
                assertThat(ok.status()).isEqualTo(200);
                assertThat(new String(ok.reply().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"hi\"}");
                assertThat(ok.reply().getType()).isEqualTo("dev.kiln.function.hello-world.reply");
                // The runtime's default warm-up ({}) has no message, which the function refuses: a new project's first log
                // line would be "warm-up event answered 400" and its warm-up would cover only the refusal.
                CloudEvent warmup = function.warmupEvent(null);
                assertThat(warmup).as("the generated function's own warm-up event").isNotNull();
                assertThat(fn.invoke(warmup).status()).as("the warm-up event's answer").isEqualTo(200);
            }
        }
    }

    private static String render(String text) throws IOException {
        for (Map.Entry<String, String> e : VALUES.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        return text;
    }
}
