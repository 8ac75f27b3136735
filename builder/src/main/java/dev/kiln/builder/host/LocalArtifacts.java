package dev.kiln.builder.host;

import dev.kiln.function.launch.JvmCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Lays jars out as a Maven local repository, so a function's build can resolve artifacts that are not published
 * anywhere: Kiln's own SDK, shipped with Kiln and chained behind the user's repository with
 * {@code maven.repo.local.tail}. Each jar must carry its pom ({@code META-INF/maven/<group>/<artifact>/pom.xml}
 * and {@code pom.properties}, as maven-jar-plugin writes them); the SDK's pom is flattened so it needs no parent.
 */
public final class LocalArtifacts {

    private LocalArtifacts() {
    }

    /**
     * @return the jar of the function SDK this builder runs with (its own dependency), which it stages for the
     *     functions it builds: a function's build resolves exactly this SDK
     * @throws IOException when the SDK's classes were not loaded from a jar (a build run from class directories)
     */
    public static Path sdkJar() throws IOException {
        Path location;
        try {
            location = Path.of(JvmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException e) {
            throw new IOException("cannot tell where the Kiln SDK was loaded from: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(location)) {
            throw new IOException("the Kiln SDK is not a jar here (" + location + "): run Kiln from its distribution, not from class directories");
        }
        return location;
    }

    /**
     * @param repository the repository directory (created when missing)
     * @param jar a jar built by Maven
     * @return the coordinates staged, {@code group:artifact:version}
     * @throws IOException when the jar cannot be read or carries no pom
     */
    public static String stage(Path repository, Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry props = file.stream()
                    .filter(e -> e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties"))
                    .findFirst()
                    .orElseThrow(() -> new IOException(jar + " has no META-INF/maven/**/pom.properties: it was not built by Maven"));
            Properties gav = new Properties();
            try (InputStream in = file.getInputStream(props)) {
                gav.load(in);
            }
            String group = gav.getProperty("groupId");
            String artifact = gav.getProperty("artifactId");
            String version = gav.getProperty("version");
            JarEntry pom = file.getJarEntry(props.getName().replace("pom.properties", "pom.xml"));
            if (group == null || artifact == null || version == null || pom == null) {
                throw new IOException(jar + " has an incomplete pom.properties or no pom.xml beside it");
            }
            Path dir = repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
            Files.createDirectories(dir);
            String base = artifact + "-" + version;
            try (InputStream in = file.getInputStream(pom)) {
                Files.copy(in, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            return group + ":" + artifact + ":" + version;
        }
    }
}
