package dev.kiln.builder.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The local repositories a host build resolves from, in order:
 * <ol>
 *   <li>Kiln's own repository ({@code $XDG_CACHE_HOME/kiln/maven-repository}, else
 *       {@code ~/.cache/kiln/maven-repository}): Maven's local repository for the build, the only one it writes
 *       (what it downloads);</li>
 *   <li>the SDK Kiln stages from the jar it runs with, read-only ({@code maven.repo.local.tail});</li>
 *   <li>the user's own local repository ({@code ~/.m2/repository}, or the {@code localRepository} of
 *       {@code ~/.m2/settings.xml}), read-only: what the user already has is not downloaded again.</li>
 * </ol>
 * So Kiln writes nothing into {@code ~/.m2}, and the SDK a function builds against is the one Kiln runs with, even
 * when {@code ~/.m2} holds an older snapshot of it (a tail is read only when the repositories before it lack the
 * artifact).
 *
 * @param kiln the repository Maven writes
 * @param tails the read-only repositories behind it, in order
 */
public record MavenRepositories(Path kiln, List<Path> tails) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(env\\.)?([^}]+)}");

    /** Copies. */
    public MavenRepositories {
        tails = List.copyOf(tails);
    }

    /**
     * @param sdk the staged SDK repository
     * @param env the environment ({@code XDG_CACHE_HOME})
     * @param userHome the user's home ({@code user.home})
     * @return Kiln's repository, then the SDK, then the user's
     * @throws IOException when {@code ~/.m2/settings.xml} exists but cannot be read
     */
    public static MavenRepositories forUser(Path sdk, Map<String, String> env, Path userHome) throws IOException {
        String cache = env.get("XDG_CACHE_HOME");
        Path kiln = (cache != null && !cache.isBlank() ? Path.of(cache) : userHome.resolve(".cache")).resolve("kiln/maven-repository");
        return new MavenRepositories(kiln, List.of(sdk, userRepository(env, userHome)));
    }

    /**
     * @param env the environment ({@code ${env.X}} in the settings)
     * @param userHome the user's home
     * @return the {@code localRepository} of {@code ~/.m2/settings.xml}, else {@code ~/.m2/repository}
     * @throws IOException when the settings exist but are not XML
     */
    static Path userRepository(Map<String, String> env, Path userHome) throws IOException {
        Path settings = userHome.resolve(".m2/settings.xml");
        if (Files.isRegularFile(settings)) {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setNamespaceAware(false);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                Document doc = factory.newDocumentBuilder().parse(settings.toFile());
                NodeList local = doc.getDocumentElement().getElementsByTagName("localRepository");
                if (local.getLength() > 0 && !local.item(0).getTextContent().isBlank()) {
                    return Path.of(interpolate(local.item(0).getTextContent().strip(), env, userHome));
                }
            } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
                throw new IOException(settings + " is not readable XML: " + e.getMessage(), e);
            }
        }
        return userHome.resolve(".m2/repository");
    }

    /** {@code ${user.home}} and {@code ${env.NAME}}, as Maven interpolates settings; anything else is refused. */
    private static String interpolate(String value, Map<String, String> env, Path userHome) throws IOException {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(1) != null ? env.get(m.group(2)) : "user.home".equals(m.group(2)) ? userHome.toString() : null;
            if (replacement == null) {
                throw new IOException("~/.m2/settings.xml: localRepository " + value + ": Kiln cannot tell what " + m.group() + " is");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
