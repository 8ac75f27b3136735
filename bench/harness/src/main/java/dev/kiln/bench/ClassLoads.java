package dev.kiln.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes one process loaded before its first reply, from {@code -Xlog:class+load}: how many, by library,
 * and how many came from the class archive rather than being parsed from a jar or the runtime image.
 *
 * @param total classes loaded
 * @param archived of which from the archive ({@code source: shared objects file})
 * @param byLibrary counts per library, in {@link #LIBRARIES} order
 */
record ClassLoads(int total, int archived, Map<String, Integer> byLibrary) {

    private static final Pattern LINE = Pattern.compile("\\] (\\S+) source: (.*)$");

    /** Libraries by package prefix; the first match wins. */
    static final List<String[]> LIBRARIES = List.of(
            new String[] {"generated", "$$Lambda", "LambdaForm$", "$Proxy", "/0x"},
            new String[] {"Kiln SDK", "dev.kiln.function."},
            new String[] {"app", "dev.kiln.bench."},
            new String[] {"CloudEvents SDK", "io.cloudevents."},
            new String[] {"Jackson", "com.fasterxml."},
            new String[] {"OpenTelemetry", "io.opentelemetry."},
            new String[] {"Quarkus, Vert.x, Netty", "io.quarkus.", "io.vertx.", "io.netty.", "io.smallrye.", "org.jboss.", "org.eclipse.microprofile."},
            new String[] {"Spring, Tomcat", "org.springframework.", "org.apache.catalina.", "org.apache.tomcat.", "org.apache.coyote."},
            new String[] {"JDK", "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.", "org.xml."},
            new String[] {"other", ""});

    static ClassLoads parse(List<String> lines) {
        Map<String, Integer> by = new LinkedHashMap<>();
        LIBRARIES.forEach(l -> by.put(l[0], 0));
        int total = 0;
        int archived = 0;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            total++;
            if (m.group(2).startsWith("shared objects file")) {
                archived++;
            }
            by.merge(library(m.group(1)), 1, Integer::sum);
        }
        return new ClassLoads(total, archived, by);
    }

    private static String library(String className) {
        for (String[] l : LIBRARIES) {
            for (int i = 1; i < l.length; i++) {
                if (l[0].equals("generated") ? className.contains(l[i]) : className.startsWith(l[i])) {
                    return l[0];
                }
            }
        }
        return "other";
    }
}
