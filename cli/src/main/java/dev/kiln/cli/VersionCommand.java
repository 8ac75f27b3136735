package dev.kiln.cli;

import dev.kiln.builder.BuilderVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code kiln version}. */
@Command(name = "version", description = "Print Kiln's version, its builder's and the Java it runs on.")
final class VersionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) {
            System.out.println(line);
        }
        return Kiln.OK;
    }

    /** The lines {@code kiln version} and {@code kiln --version} print. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Kiln.class.getPackage().getImplementationVersion();
            return new String[] {"kiln " + (version == null ? "development build" : version), "builder " + BuilderVersion.CURRENT,
                "java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
