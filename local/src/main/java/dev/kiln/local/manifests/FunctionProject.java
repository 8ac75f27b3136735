package dev.kiln.local.manifests;

import dev.kiln.builder.plan.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What {@code kiln dev DIR} runs: DIR's manifests, or, when DIR is a function project without any (a pom on the
 * Kiln SDK, as {@code kiln new} writes), the manifests it would have for itself: a Function named for the pom's
 * {@code artifactId} built from DIR's working tree, a Broker {@code default}, and a Trigger sending that Broker's
 * every event to the Function. They are reported as coming from DIR's {@code pom.xml}.
 */
public final class FunctionProject {

    private FunctionProject() {
    }

    /**
     * @param dir a directory of manifests, a single manifest, or a function project
     * @return the resources to run
     * @throws ManifestException listing every problem
     * @throws IOException when a file cannot be read
     */
    public static List<Manifest> load(Path dir) throws ManifestException, IOException {
        List<Manifest> manifests = Manifests.load(dir);
        if (!manifests.isEmpty() || !isFunctionProject(dir)) {
            return manifests;
        }
        String name = artifactId(dir.resolve("pom.xml"));
        if (name == null || !name.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new ManifestException(List.of(dir.resolve("pom.xml") + ": the artifactId " + name + " cannot name a Function (lower-case "
                    + "letters, digits and '-', at most 63, starting with a letter): add a manifest with a Function for this project"));
        }
        Path generated = Files.createTempFile("kiln-project", ".yaml");
        try {
            Files.writeString(generated, """
                    apiVersion: kiln.dev/v1alpha1
                    kind: Function
                    metadata: {name: %1$s}
                    spec:
                      source: {git: {url: "%2$s"}}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Broker
                    metadata: {name: default}
                    ---
                    apiVersion: eventing.knative.dev/v1
                    kind: Trigger
                    metadata: {name: %1$s}
                    spec:
                      broker: default
                      subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: %1$s}}
                    """.formatted(name, dir.toAbsolutePath().normalize()));
            List<Manifest> own = new ArrayList<>();
            for (Manifest m : Manifests.load(generated)) {
                own.add(new Manifest(dir.resolve("pom.xml"), m.document(), m.resource(), m.workingTree()));
            }
            return List.copyOf(own);
        } finally {
            Files.deleteIfExists(generated);
        }
    }

    /**
     * @param dir a directory
     * @return whether it holds a Maven project that depends on the Kiln SDK
     */
    public static boolean isFunctionProject(Path dir) {
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            return false;
        }
        try {
            return Strategy.detect(dir, null) == Strategy.MAVEN;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String artifactId(Path pom) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element project = f.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
            for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals("artifactId")) {
                    return e.getTextContent().strip();
                }
            }
            return null;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException(pom + " is not readable XML: " + e.getMessage(), e);
        }
    }
}
