package dev.kiln.builder.plan;

import dev.kiln.api.functions.v1alpha1.BuildSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * How a Function's source is built. {@code auto} picks {@code dockerfile} when the context has a Dockerfile, else
 * {@code maven} when it holds a Maven project that depends on Kiln's function SDK, else fails naming what it
 * looked for.
 */
public enum Strategy {
    /** The context's own Dockerfile. */
    DOCKERFILE,
    /** A Maven project using {@code dev.kiln:kiln-function-sdk}: Kiln generates the Dockerfile. */
    MAVEN;

    /** The SDK's artifact a Maven function depends on. */
    public static final String SDK_ARTIFACT = "kiln-function-sdk";

    /**
     * @param context the exported context directory
     * @param spec the Function's build spec (strategy and dockerfile already defaulted or null)
     * @return the strategy
     * @throws IllegalArgumentException with a message naming what was looked for
     */
    public static Strategy detect(Path context, BuildSpec spec) {
        String asked = spec == null || spec.strategy == null ? BuildSpec.AUTO : spec.strategy;
        String dockerfile = spec == null || spec.dockerfile == null || spec.dockerfile.isBlank() ? "Dockerfile" : spec.dockerfile;
        boolean hasDockerfile = Files.isRegularFile(context.resolve(dockerfile));
        Path pom = context.resolve("pom.xml");
        switch (asked) {
            case BuildSpec.DOCKERFILE -> {
                if (!hasDockerfile) {
                    throw new IllegalArgumentException("strategy dockerfile: there is no " + dockerfile + " in the context directory");
                }
                return DOCKERFILE;
            }
            case BuildSpec.MAVEN -> {
                if (!Files.isRegularFile(pom)) {
                    throw new IllegalArgumentException("strategy maven: there is no pom.xml in the context directory");
                }
                return MAVEN;
            }
            case BuildSpec.AUTO -> {
                if (hasDockerfile) {
                    return DOCKERFILE;
                }
                if (Files.isRegularFile(pom) && usesSdk(pom)) {
                    return MAVEN;
                }
                throw new IllegalArgumentException("no build strategy: the context directory has no " + dockerfile
                        + (Files.isRegularFile(pom) ? ", and its pom.xml does not depend on dev.kiln:" + SDK_ARTIFACT
                                : " and no pom.xml depending on dev.kiln:" + SDK_ARTIFACT)
                        + " (set spec.build.strategy, or add one of them)");
            }
            default -> throw new IllegalArgumentException("unknown build strategy '" + asked + "' (auto, maven or dockerfile)");
        }
    }

    /** @return whether the pom declares a dependency on the function SDK */
    static boolean usesSdk(Path pom) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no external entities from user repos
            Document doc = f.newDocumentBuilder().parse(pom.toFile());
            NodeList deps = doc.getElementsByTagName("dependency");
            for (int i = 0; i < deps.getLength(); i++) {
                Element d = (Element) deps.item(i);
                NodeList a = d.getElementsByTagName("artifactId");
                if (a.getLength() > 0 && SDK_ARTIFACT.equals(a.item(0).getTextContent().strip())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IllegalArgumentException("pom.xml cannot be read: " + e.getMessage(), e);
        }
    }
}
