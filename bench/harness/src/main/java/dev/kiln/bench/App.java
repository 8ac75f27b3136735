package dev.kiln.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmarked app: how to start it (main jar in a directory) and how its archive is trained.
 *
 * @param name short name in the report
 * @param dir the directory holding the main jar; archives are written beside it
 * @param jar the main jar, relative to {@code dir}
 * @param selfTraining whether the app trains itself ({@code --train}, Kiln's SDK) rather than being trained by
 *     the harness with requests and SIGTERM
 * @param env variables the app runs with, besides {@code PORT}
 */
record App(String name, Path dir, String jar, boolean selfTraining, java.util.Map<String, String> env) {

    App(String name, Path dir, String jar, boolean selfTraining) {
        this(name, dir, jar, selfTraining, java.util.Map.of());
    }

    Path archive(Jdk jdk) {
        return dir.resolve("bench.jdk" + jdk.feature() + (jdk.aot() ? ".aot" : ".jsa"));
    }

    List<String> command(Jdk jdk, boolean withArchive) {
        List<String> cmd = new ArrayList<>(List.of(jdk.java().toString()));
        if (withArchive) {
            cmd.add((jdk.aot() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive(jdk));
        }
        cmd.add("-jar");
        cmd.add(dir.resolve(jar).toString());
        return cmd;
    }

    List<String> trainingCommand(Jdk jdk) {
        List<String> cmd = new ArrayList<>(List.of(jdk.java().toString(),
                (jdk.aot() ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive(jdk), "-jar", dir.resolve(jar).toString()));
        if (selfTraining) {
            cmd.add("--train");
        }
        return cmd;
    }
}
