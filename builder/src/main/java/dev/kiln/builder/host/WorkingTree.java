package dev.kiln.builder.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A function project's directory as it is on disk, uncommitted changes included: what local mode builds for a
 * Function whose source is a local path. What a build reads is the project without its build output and tool
 * state: {@code target/} at the top, and hidden directories ({@code .git}, {@code .kiln}, {@code .idea}...) except
 * {@code .mvn}, which configures Maven.
 */
public final class WorkingTree {

    private WorkingTree() {
    }

    /**
     * @param relative a path relative to the project
     * @return whether a build ignores it (and a change to it)
     */
    public static boolean ignored(Path relative) {
        if (relative.getNameCount() == 0 || relative.toString().isEmpty()) {
            return false;
        }
        if (relative.getName(0).toString().equals("target")) {
            return true;
        }
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".") && !name.equals(".mvn")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param project the project directory
     * @return its files a build reads, relative, in a stable order
     * @throws IOException when the directory cannot be read
     */
    public static List<Path> files(Path project) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(project, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return ignored(project.relativize(dir)) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path relative = project.relativize(file);
                if (attrs.isRegularFile() && !ignored(relative)) {
                    files.add(relative);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    /**
     * @param project the project directory
     * @return a digest of every file a build reads, names and bytes: equal digests build the same thing
     * @throws IOException when a file cannot be read
     */
    public static String digest(Path project) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[8192];
        for (Path relative : files(project)) {
            sha.update(relative.toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (InputStream in = Files.newInputStream(project.resolve(relative))) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Copies what a build reads, so Maven runs on a snapshot: the user's {@code target/} is not touched, and an edit
     * made while a build runs goes into the next one.
     *
     * @param project the project directory
     * @param target an empty or missing directory
     * @throws IOException when a file cannot be copied
     */
    public static void copy(Path project, Path target) throws IOException {
        for (Path relative : files(project)) {
            Path to = target.resolve(relative.toString());
            Files.createDirectories(to.getParent());
            Files.copy(project.resolve(relative), to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }
}
