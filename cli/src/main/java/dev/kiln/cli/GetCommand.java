package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln get [kind] [name]}: what the running {@code kiln dev} has, as {@code kubectl get} shows it. */
@Command(name = "get", description = "Show resources of the running kiln dev: READY, REASON, URL, COMMIT, AGE; the message of "
        + "each one with a reason under it.")
final class GetCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "function(s), broker(s), trigger(s), sequence(s), parallel(s), githubsource(s)...")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "a name, or namespace/name")
    String name;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or yaml")
    String output;

    @Mixin
    StateOption state;

    @Override
    public Integer call() throws Exception {
        RunningDev dev = RunningDev.of(state);
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : new ObjectMapper().readTree(dev.status())) {
            if (matches(row)) {
                rows.add(row);
            }
        }
        if (rows.isEmpty() && (kind != null || name != null)) {
            System.err.println("no " + (kind == null ? "resource" : kind) + (name == null ? "" : " " + name) + " in this kiln dev");
            return Kiln.FAILED;
        }
        if ("yaml".equals(output)) {
            System.out.print(new YAMLMapper().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).writeValueAsString(rows));
            return Kiln.OK;
        }
        System.out.println(String.format("%-14s %-26s %-6s %-22s %-32s %-12s %s", "KIND", "NAME", "READY", "REASON", "URL", "COMMIT", "AGE"));
        for (JsonNode r : rows) {
            System.out.println(String.format("%-14s %-26s %-6s %-22s %-32s %-12s %s", r.path("kind").asText(),
                    (text(r, "namespace").isEmpty() ? "" : text(r, "namespace") + "/") + r.path("name").asText(), r.path("ready").asText(), text(r, "reason"),
                    text(r, "url"), version(text(r, "commit")), age(r)));
            // Why, under the row: a compiler's file and line, a build's error, what is still serving.
            if (!text(r, "reason").isEmpty() && !text(r, "message").isEmpty()) {
                System.out.println("    " + text(r, "message"));
            }
        }
        System.out.println("\ndashboard: " + dev.admin() + "/");
        return Kiln.OK;
    }

    private boolean matches(JsonNode row) {
        if (kind != null) {
            String k = kind.toLowerCase(Locale.ROOT).replaceAll("s$", "");
            if (!row.path("kind").asText().toLowerCase(Locale.ROOT).equals(k)) {
                return false;
            }
        }
        if (name != null) {
            String full = row.path("namespace").asText() + "/" + row.path("name").asText();
            return name.contains("/") ? name.equals(full) : name.equals(row.path("name").asText());
        }
        return true;
    }

    /** @return a commit cut to 12 characters as Git shows it; a working tree's version ({@code tree-3}) as it is */
    private static String version(String commit) {
        return commit.matches("[0-9a-f]{40}") ? commit.substring(0, 12) : commit;
    }

    private static String text(JsonNode r, String field) {
        return r.path(field).isTextual() ? r.path(field).asText() : "";
    }

    private static String age(JsonNode r) {
        if (!r.path("since").isTextual()) {
            return "";
        }
        long s = Duration.between(Instant.parse(r.path("since").asText()), Instant.now()).toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }
}
