package dev.kiln.local.worktree;

import dev.kiln.builder.host.HostBuild;
import dev.kiln.function.launch.ArchiveKind;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.local.worktree.launcher.ClassesMain;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * How a working-tree function's instances start: {@link ClassesMain} on a class path of the build's dependency jars
 * ({@code lib/}, in the manifest's order) and a small jar holding {@code ClassesMain} alone, with the version's
 * classes directory as its argument. The class path is the same for every version built from one pom, so the class
 * archive trained for it ({@link #train}) maps into every later version's JVM: the dependencies start warm, the
 * function's own classes (a few) load from the directory.
 *
 * @param java the runtime instances run on
 * @param classPath the dependency jars, then the launcher jar
 * @param archive where the archive trained for that class path is (it may not exist yet), or null when the runtime
 *     writes none
 */
public record ClassesLaunch(JavaRuntime java, List<Path> classPath, Path archive) {

    /** Copies. */
    public ClassesLaunch {
        classPath = List.copyOf(classPath);
    }

    /**
     * @param java the runtime
     * @param build a working tree's build
     * @param launcherDir where the launcher jar is kept
     * @param archiveDir where the build's archive is kept
     * @return the launch for that build's dependencies
     * @throws IOException when the launcher jar cannot be written
     */
    public static ClassesLaunch of(JavaRuntime java, HostBuild build, Path launcherDir, Path archiveDir) throws IOException {
        List<Path> cp = new ArrayList<>(build.classPath().subList(1, build.classPath().size())); // app.jar's classes are the directory's
        cp.add(launcherJar(launcherDir));
        ArchiveKind kind = java.archiveKind();
        Path archive = kind == ArchiveKind.NONE ? null : archiveDir.resolve("dependencies.jdk" + java.feature() + "." + kind.extension());
        return new ClassesLaunch(java, cp, archive);
    }

    /**
     * The launcher jar: {@code ClassesMain}'s class alone, named by its digest so that it is written once and never
     * changes under an archive that recorded it.
     */
    static Path launcherJar(Path dir) throws IOException {
        String resource = ClassesMain.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = ClassesMain.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the launcher's class " + resource + " is not on Kiln's class path");
            }
            bytes = in.readAllBytes();
        }
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path jar = dir.resolve("kiln-classes-main-" + digest + ".jar");
        if (!Files.isRegularFile(jar)) {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "launcher", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jarOut = new JarOutputStream(out)) {
                jarOut.putNextEntry(new JarEntry(resource));
                jarOut.write(bytes);
                jarOut.closeEntry();
            }
            Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return jar;
    }

    private String classPathOption() {
        return classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * @param classes a version's classes directory
     * @return the command that serves that version, mapping the archive when it exists
     */
    public List<String> run(Path classes) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.java().toString());
        if (archive != null && Files.isRegularFile(archive)) {
            cmd.add(java.archiveKind().readFlag() + archive);
        }
        cmd.addAll(List.of("-cp", classPathOption(), ClassesMain.class.getName(), classes.toString()));
        return cmd;
    }

    /**
     * @param classes a version's classes directory: the function whose warm-up events train the archive
     * @param rounds training rounds
     * @return the command that writes the archive for this class path when it exits
     */
    public List<String> train(Path classes, int rounds) {
        return List.of(java.java().toString(), java.archiveKind().writeFlag() + archive, "-cp", classPathOption(),
                ClassesMain.class.getName(), classes.toString(), "--train=" + rounds);
    }
}
