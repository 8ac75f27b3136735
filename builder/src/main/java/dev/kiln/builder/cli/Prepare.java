package dev.kiln.builder.cli;

import dev.kiln.api.functions.v1alpha1.BuildSpec;
import dev.kiln.builder.git.GitCredentials;
import dev.kiln.builder.git.GitSources;
import dev.kiln.builder.git.SourceException;
import dev.kiln.builder.host.LocalArtifacts;
import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.plan.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln-builder prepare}: the build Job's init container. Fetches one commit, writes its context directory to
 * {@code --out}, checks the strategy against what is there, and for {@code maven} stages Kiln's function SDK (jar and
 * flattened pom) as a Maven repository in {@code .kiln-repository/} and writes the generated {@code Dockerfile.kiln},
 * which chains that repository. Git credentials come from {@code KILN_GIT_SSH_PRIVATE_KEY} with
 * {@code KILN_GIT_KNOWN_HOSTS}, {@code KILN_GIT_TOKEN}, or {@code KILN_GIT_USERNAME} and {@code KILN_GIT_PASSWORD}
 * (secretKeyRefs in the Job). Exit codes: 0 done, 1 the builder itself failed (e.g. a disk
 * error), 2 the source or strategy is not usable (the message says why, and becomes the Job's termination message).
 */
@Command(name = "prepare", description = "Fetch a commit's context directory and write the build's Dockerfile.")
public final class Prepare implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "the Git repository")
    String url;
    @Option(names = "--commit", required = true, description = "the full commit SHA")
    String commit;
    @Option(names = "--context-dir", defaultValue = "", description = "the function's directory in the repository")
    String contextDir;
    @Option(names = "--strategy", defaultValue = "auto", description = "auto, maven or dockerfile")
    String strategy;
    @Option(names = "--dockerfile", description = "the Dockerfile's path in the context (dockerfile strategy)")
    String dockerfile;
    @Option(names = "--out", required = true, description = "where the context is written")
    Path out;
    @Option(names = "--cache", description = "the Git cache (default: a directory beside --out)")
    Path cache;
    @Option(names = "--maven-image", description = "the maven strategy's build image, pinned by digest")
    String mavenImage;
    @Option(names = "--runtime-image", description = "the maven strategy's runtime image, pinned by digest")
    String runtimeImage;
    @Option(names = "--sdk-jar", description = "the function SDK staged for the maven strategy (default: the one this builder runs with)")
    Path sdkJar;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    /** Reads credentials from the process environment. */
    public Prepare() {
        this(System.getenv());
    }

    /** @param env where the {@code KILN_GIT_*} credentials are read from */
    public Prepare(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        try {
            // The Job's own cache: one requester, its own credentials.
            GitSources sources = GitSources.singleUser(cache != null ? cache : Files.createTempDirectory("kiln-git-cache"));
            GitCredentials credentials = credentials();
            sources.export(sources.fetch(url, commit, credentials), contextDir, out);
            BuildSpec build = new BuildSpec();
            build.strategy = strategy;
            build.dockerfile = dockerfile;
            Strategy detected = Strategy.detect(out, build);
            if (detected == Strategy.MAVEN) {
                if (mavenImage == null || runtimeImage == null) {
                    spec.commandLine().getErr().println("the maven strategy needs --maven-image and --runtime-image");
                    return 2;
                }
                Path sdkRepository = out.resolve(MavenDockerfile.SDK_REPOSITORY);
                if (Files.exists(sdkRepository, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    spec.commandLine().getErr().println("InvalidBuild: the context has " + MavenDockerfile.SDK_REPOSITORY
                            + ", where Kiln stages its function SDK for the maven strategy; rename it");
                    return 2;
                }
                String sdk = LocalArtifacts.stage(sdkRepository, sdkJar != null ? sdkJar : LocalArtifacts.sdkJar());
                Files.writeString(out.resolve("Dockerfile.kiln"), MavenDockerfile.render(new MavenDockerfile.BaseImages(mavenImage, runtimeImage), commit));
                spec.commandLine().getOut().println("staged " + sdk + " in " + sdkRepository);
            }
            spec.commandLine().getOut().println("prepared " + url + " at " + commit + " (" + detected.name().toLowerCase(java.util.Locale.ROOT) + ") in " + out);
            return 0;
        } catch (SourceException e) {
            spec.commandLine().getErr().println(e.reason() + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("InvalidBuild: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("PrepareFailed: " + e.getMessage());
            return 1;
        }
    }

    private GitCredentials credentials() throws SourceException {
        String key = env.get("KILN_GIT_SSH_PRIVATE_KEY");
        if (key != null && !key.isBlank()) {
            return GitCredentials.ssh("KILN_GIT_SSH_PRIVATE_KEY", key.strip(), env.get("KILN_GIT_KNOWN_HOSTS"));
        }
        String token = env.get("KILN_GIT_TOKEN");
        if (token != null && !token.isBlank()) {
            return new GitCredentials("kiln", token.strip());
        }
        String user = env.get("KILN_GIT_USERNAME");
        String password = env.get("KILN_GIT_PASSWORD");
        return user != null && password != null ? new GitCredentials(user.strip(), password.strip()) : GitCredentials.NONE;
    }
}
