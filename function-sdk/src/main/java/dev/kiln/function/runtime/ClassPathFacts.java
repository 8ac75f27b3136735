package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;

/**
 * What the class path registers through {@code META-INF/services}, as far as the runtime cares: the functions
 * (ServiceLoader's providers of {@link CloudFunction}), whether CloudEvents validators exist (only the SDK's
 * builder runs them), and the Jackson modules {@code findAndRegisterModules()} would add.
 *
 * <p>Finding them means opening every jar on the class path: 20 ms and more of a cold start that, with a class
 * archive, otherwise opens none ({@code docs/benchmarks.md}). So training ({@code --train}) finds them once and
 * writes them into {@value #FILE} beside {@code app.jar}: which jar the process was started with, and the size,
 * modification time and content identity ({@link #contentId}) of every jar it looked in. A start with the same jar
 * whose jars are the same reads that file instead. Any difference (another jar started from the same directory, a
 * jar rebuilt with the same size and the epoch time Kiln's images give every file), or no file, and the runtime
 * looks again, as it always did. Training writes no facts when a jar's manifest adds to the class path: they would
 * not name the jars that adds.
 *
 * @param functions the function classes ServiceLoader finds, in its order
 * @param validators whether any {@code io.cloudevents.core.validator.CloudEventValidator} is registered
 * @param jacksonModules the registered {@code com.fasterxml.jackson.databind.Module} classes
 */
record ClassPathFacts(List<String> functions, boolean validators, List<String> jacksonModules) {

    /** The file training writes beside {@code app.jar}. */
    static final String FILE = "kiln-training.facts";
    static final String VALIDATORS = "META-INF/services/io.cloudevents.core.validator.CloudEventValidator";
    static final String JACKSON_MODULES = "META-INF/services/com.fasterxml.jackson.databind.Module";

    /**
     * Modules that change how only their own types bind (java.time, Optional, constructor parameter names),
     * never the plain records and classes a generated codec covers.
     */
    private static final Set<String> NEUTRAL_MODULES = Set.of(
            "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule",
            "com.fasterxml.jackson.datatype.jdk8.Jdk8Module",
            "com.fasterxml.jackson.module.paramnames.ParameterNamesModule");

    ClassPathFacts {
        functions = List.copyOf(functions);
        jacksonModules = List.copyOf(jacksonModules);
    }

    /** @return whether Jackson, as the runtime configures it, binds plain types as generated codecs do */
    boolean codecsAgreeWithJackson() {
        return NEUTRAL_MODULES.containsAll(jacksonModules);
    }

    /**
     * Looks everything up, opening every jar.
     *
     * @param loader the class loader (the thread's context loader, as ServiceLoader and the SDKs use)
     * @param withFunctions whether to find the functions too (through ServiceLoader itself, so with its order,
     *     de-duplication and checks)
     */
    static ClassPathFacts lookUp(ClassLoader loader, boolean withFunctions) {
        List<String> functions = new ArrayList<>();
        if (withFunctions) {
            ServiceLoader.load(CloudFunction.class, loader).stream().forEach(p -> functions.add(p.type().getName()));
        }
        try {
            return new ClassPathFacts(functions, loader.getResources(VALIDATORS).hasMoreElements(),
                    providers(loader.getResources(JACKSON_MODULES)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Provider names from service files, in the class loader's order, each once. */
    private static List<String> providers(Enumeration<URL> files) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        while (files.hasMoreElements()) {
            try (InputStream in = files.nextElement().openStream()) {
                names.addAll(providers(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        return new ArrayList<>(names);
    }

    /** ServiceLoader's format: one class name per line, {@code #} starts a comment, whitespace is ignored. */
    private static List<String> providers(String file) {
        List<String> names = new ArrayList<>();
        for (String line : file.split("\n", -1)) {
            int comment = line.indexOf('#');
            String name = (comment < 0 ? line : line.substring(0, comment)).trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** @return the app directory when the process was started as {@code java -jar <dir>/app.jar}, else null */
    static Path appDirectory() {
        String cp = System.getProperty("java.class.path", "");
        if (cp.isEmpty() || cp.indexOf(File.pathSeparatorChar) >= 0 || !cp.endsWith(".jar")) {
            return null;
        }
        return Path.of(cp).toAbsolutePath().getParent();
    }

    /**
     * Training: what the jars of a {@code java -jar} class path register, read from the jars themselves (the class
     * loader's own lookup would put ServiceLoader's, URL's and the module system's classes into the archive being
     * trained, and a JDK 25 AOT cache loads all it holds at every start).
     *
     * @param appJar the jar the process was started with
     * @return the facts, or null when a jar's manifest adds to the class path (left to the class loader's lookup)
     */
    static ClassPathFacts fromJars(Path appJar) throws IOException {
        Set<String> functions = new LinkedHashSet<>();
        Set<String> modules = new LinkedHashSet<>();
        boolean validators = false;
        List<File> jars = jars(appJar.toFile());
        for (int i = 0; i < jars.size(); i++) {
            File file = jars.get(i);
            if (!file.isFile()) {
                continue; // the class loader skips a Class-Path entry that is not there
            }
            try (JarFile jar = new JarFile(file)) {
                Manifest m = jar.getManifest();
                if (i > 0 && m != null && m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH) != null) {
                    return null;
                }
                functions.addAll(providers(jar, "META-INF/services/" + CloudFunction.class.getName()));
                validators |= jar.getEntry(VALIDATORS) != null;
                modules.addAll(providers(jar, JACKSON_MODULES));
            }
        }
        return new ClassPathFacts(new ArrayList<>(functions), validators, new ArrayList<>(modules));
    }

    private static List<String> providers(JarFile jar, String service) throws IOException {
        java.util.zip.ZipEntry entry = jar.getEntry(service);
        if (entry == null) {
            return List.of();
        }
        try (InputStream in = jar.getInputStream(entry)) {
            return providers(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Training: writes the facts with the jars they were found in ({@code app.jar} and its manifest's
     * {@code Class-Path}), with {@code java.io} alone for the same reason as {@link #fromJars}.
     *
     * @param dir the app directory
     * @param appJar the jar the process was started with
     */
    void write(Path dir, Path appJar) throws IOException {
        StringBuilder out = new StringBuilder("# Written by kiln training (--train): what the class path below registers.\n"
                + "# Used at start-up while every jar is unchanged; delete it to have the runtime look again.\n");
        for (String f : functions) {
            out.append("function=").append(f).append('\n');
        }
        out.append("validators=").append(validators).append('\n');
        for (String m : jacksonModules) {
            out.append("jackson-module=").append(m).append('\n');
        }
        String base = dir.toFile().getAbsolutePath() + File.separator;
        String app = appJar.toFile().getAbsolutePath();
        out.append("app=").append(app.startsWith(base) ? app.substring(base.length()) : app).append('\n');
        for (File jar : jars(appJar.toFile())) {
            String path = jar.getAbsolutePath();
            out.append("jar=").append(jar.length()).append(' ').append(jar.lastModified()).append(' ').append(contentId(jar)).append(' ')
                    .append(path.startsWith(base) ? path.substring(base.length()) : path).append('\n');
        }
        File target = new File(dir.toFile(), FILE);
        File tmp = new File(dir.toFile(), FILE + ".tmp");
        try (OutputStream o = new FileOutputStream(tmp)) {
            o.write(out.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (!tmp.renameTo(target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    /** {@code app.jar} and the jars its manifest's {@code Class-Path} names, in the class loader's order. */
    private static List<File> jars(File appJar) throws IOException {
        List<File> jars = new ArrayList<>();
        File app = appJar.getAbsoluteFile();
        jars.add(app);
        try (JarFile jar = new JarFile(app)) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp != null) {
                int start = 0;
                for (int i = 0; i <= cp.length(); i++) {
                    if (i == cp.length() || cp.charAt(i) == ' ') {
                        if (i > start) {
                            jars.add(new File(app.getParentFile(), cp.substring(start, i)));
                        }
                        start = i + 1;
                    }
                }
            }
        }
        return jars;
    }

    /**
     * A jar's identity, cheap enough for every start: the CRC-32 of its central directory, which names every entry
     * with its CRC-32 and sizes, read from the file's end (no jar opened, no entry read). A rebuilt jar of the same
     * size and time (Kiln's images give every file the epoch) has another. {@code -1} when the file is no zip this
     * reads (none, or ZIP64), which then matches only itself.
     */
    static long contentId(File jar) {
        return contentId(jar, new byte[ID_BUFFER]);
    }

    /** Bytes read at a time by {@link #contentId(File, byte[])}. */
    private static final int ID_BUFFER = 8192;

    /**
     * {@link #contentId(File)} through the caller's buffer. Why a buffer, and the end record read first: every
     * byte allocated before the first reply is heap the process touches, so resident memory. Reading each jar's
     * last 64 KiB (room for a zip comment) and its whole directory into new arrays cost 1.5 MiB for the 22 jars of
     * a function with OpenTelemetry, a third of the heap at the first reply (issue 22). A jar without a comment, as
     * Maven writes them, needs its last 22 bytes and one 8 KiB buffer; the result is the same either way.
     */
    static long contentId(File jar, byte[] buffer) {
        try (RandomAccessFile f = new RandomAccessFile(jar, "r")) {
            long length = f.length();
            long end = endRecord(f, length, buffer);
            if (end < 0) {
                return -1;
            }
            long size = le32(buffer, 12);
            long offset = le32(buffer, 16);
            if (offset + size > end || size > Integer.MAX_VALUE) {
                return -1;
            }
            CRC32 crc = new CRC32();
            f.seek(offset);
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(left, buffer.length);
                f.readFully(buffer, 0, n);
                crc.update(buffer, 0, n);
                left -= n;
            }
            return crc.getValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Finds the end-of-central-directory record, the last one in the file, and leaves its 22 bytes at the start of
     * {@code buffer}.
     *
     * @return its position, or -1 when there is none
     */
    private static long endRecord(RandomAccessFile f, long length, byte[] buffer) throws IOException {
        if (length < 22) {
            return -1;
        }
        f.seek(length - 22);
        f.readFully(buffer, 0, 22);
        if (isEndRecord(buffer, 0) && (buffer[20] | buffer[21]) == 0) {
            return length - 22; // no comment: the common case
        }
        int tail = (int) Math.min(length, 22 + 0xffff); // a comment of up to 64 KiB follows the record
        byte[] end = new byte[tail];
        f.seek(length - tail);
        f.readFully(end);
        for (int i = tail - 22; i >= 0; i--) {
            if (isEndRecord(end, i)) {
                System.arraycopy(end, i, buffer, 0, 22);
                return length - tail + i;
            }
        }
        return -1;
    }

    private static boolean isEndRecord(byte[] b, int at) {
        return b[at] == 'P' && b[at + 1] == 'K' && b[at + 2] == 5 && b[at + 3] == 6;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /**
     * @param appJar the jar the process was started with
     * @return the facts training wrote beside it for it, when every jar it recorded is unchanged; null otherwise
     */
    static ClassPathFacts trained(Path appJar) {
        Path dir = appJar.toAbsolutePath().getParent();
        File file = dir.resolve(FILE).toFile();
        if (!file.isFile()) {
            return null;
        }
        List<String> functions = new ArrayList<>();
        List<String> modules = new ArrayList<>();
        Boolean validators = null;
        boolean jars = false;
        boolean sameApp = false;
        byte[] buffer = new byte[ID_BUFFER];
        try (InputStream in = new FileInputStream(file)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("function=")) {
                    functions.add(line.substring(9));
                } else if (line.startsWith("jackson-module=")) {
                    modules.add(line.substring(15));
                } else if (line.startsWith("validators=")) {
                    validators = Boolean.valueOf(line.substring(11));
                } else if (line.startsWith("app=")) {
                    File app = new File(line.substring(4)).isAbsolute() ? new File(line.substring(4)) : new File(dir.toFile(), line.substring(4));
                    sameApp = app.getAbsoluteFile().equals(appJar.toFile().getAbsoluteFile());
                } else if (line.startsWith("jar=")) {
                    String[] f = line.substring(4).split(" ", 4);
                    if (f.length != 4) {
                        return null; // written by an older SDK: look again
                    }
                    File jar = new File(f[3]).isAbsolute() ? new File(f[3]) : new File(dir.toFile(), f[3]);
                    if (jar.length() != Long.parseLong(f[0]) || jar.lastModified() != Long.parseLong(f[1])
                            || contentId(jar, buffer) != Long.parseLong(f[2])) {
                        return null; // the class path changed since training
                    }
                    jars = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return validators == null || !jars || !sameApp ? null : new ClassPathFacts(functions, validators, modules);
    }
}
