package dev.kiln.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln new NAME}: a new function from {@code templates/java-function}: a pom on the SDK, the function, its
 * test, and {@code kiln.yaml} (the Function built from the working tree, a Broker and a Trigger), ready for
 * {@code kiln dev .}.
 */
@Command(name = "new", description = "Create a Java function from Kiln's template: NAME/ with a pom, the function, its test, "
        + "and kiln.yaml (the Function, a Broker and a Trigger) for kiln dev.")
final class NewCommand implements Callable<Integer> {

    /**
     * The template's files, as packaged in the CLI (a test checks the list against templates/java-function, whose
     * README describes the template itself and is not copied).
     */
    static final List<String> FILES = List.of("pom.xml", "kiln.yaml", "gitignore", "src/main/java/Function.java.tmpl",
            "src/test/java/FunctionTest.java.tmpl", "src/main/resources/META-INF/services/dev.kiln.function.CloudFunction");

    @Parameters(index = "0", paramLabel = "NAME", description = "the function's name, kebab-case (e.g. order-audit)")
    String name;

    @Option(names = "--group", defaultValue = "com.example", description = "the Maven groupId and the package's root (default ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--event-type", description = "the event type it handles (default: <group>.<name>)")
    String eventType;

    @Option(names = "--dir", defaultValue = ".", description = "where NAME/ is created (default: here)")
    Path dir;

    @Override
    public Integer call() throws IOException {
        if (!name.matches("[a-z]([a-z0-9-]*[a-z0-9])?")) {
            System.err.println("kiln new: NAME must be kebab-case: lower-case letters, digits and dashes, e.g. order-audit");
            return Kiln.USAGE;
        }
        Path out = dir.resolve(name);
        if (Files.exists(out)) {
            System.err.println("kiln new: " + out + " exists; choose another NAME or --dir");
            return Kiln.FAILED;
        }
        List<Path> written = render(out, values(name, group, eventType));
        System.out.println("created " + out + " (" + written.size() + " files): cd " + out + " && kiln dev .");
        return Kiln.OK;
    }

    static Map<String, String> values(String name, String group, String eventType) {
        String className = java.util.Arrays.stream(name.split("-")).map(p -> Character.toUpperCase(p.charAt(0)) + p.substring(1))
                .reduce("", String::concat);
        String pkg = group + "." + name.replace("-", "").toLowerCase(Locale.ROOT);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("{{name}}", name);
        values.put("{{Name}}", className);
        values.put("{{package}}", pkg);
        values.put("{{groupId}}", group);
        values.put("{{eventType}}", eventType == null ? group + "." + name : eventType);
        String version = NewCommand.class.getPackage().getImplementationVersion();
        values.put("{{kilnVersion}}", version == null ? "0.1.0-SNAPSHOT" : version);
        return values;
    }

    /** Writes the template with every placeholder replaced; {@code .tmpl} sources go under the package. */
    static List<Path> render(Path out, Map<String, String> values) throws IOException {
        String pkgPath = values.get("{{package}}").replace('.', '/');
        List<Path> written = new java.util.ArrayList<>();
        for (String file : FILES) {
            String text;
            try (InputStream in = NewCommand.class.getResourceAsStream("/templates/java-function/" + file)) {
                if (in == null) {
                    throw new IOException("the CLI was built without its template (" + file + "): rebuild it with ./mvnw install -pl cli");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                text = text.replace(e.getKey(), e.getValue());
            }
            // Kept as "gitignore" in the template: Maven's resource copying leaves out files named .gitignore.
            Path target = out.resolve(file.equals("gitignore") ? ".gitignore" : file);
            if (file.endsWith(".java.tmpl")) {
                String cls = values.get("{{Name}}") + (file.contains("FunctionTest") ? "Test" : "");
                target = out.resolve(Path.of(file).getParent().toString()).resolve(pkgPath).resolve(cls + ".java");
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, text);
            written.add(target);
        }
        return written;
    }
}
