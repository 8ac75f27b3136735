package dev.kiln.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.plan.MavenDockerfile;
import dev.kiln.builder.plan.Strategy;
import dev.kiln.builder.resources.BuilderConfig;
import dev.kiln.builder.resources.Jobs;
import dev.kiln.builder.resources.KanikoBuild;
import dev.kiln.testing.git.GitHttpServer;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kiln-builder prepare} run with the arguments of the build Job's init container ({@link Jobs#kanikoBuild}),
 * against a real Git server: what the init container does in a cluster, less the container.
 */
class PrepareTest {

    static final String SDK_POM = "<project><modelVersion>4.0.0</modelVersion><groupId>dev.kiln</groupId>"
            + "<artifactId>kiln-function-sdk</artifactId><version>9.9.9</version></project>";
    static final BuilderConfig CONFIG = new BuilderConfig("kaniko@sha256:" + "1".repeat(64), "kiln-builder@sha256:" + "2".repeat(64), 60,
            new ResourceRequirements(), new MavenDockerfile.BaseImages("maven@sha256:" + "3".repeat(64), "jre@sha256:" + "4".repeat(64)));

    @TempDir
    static Path dir;
    static GitHttpServer server;
    static GitHttpServer.Repo repo;
    static Path sdkJar;

    @BeforeAll
    static void start() throws Exception {
        server = new GitHttpServer(Files.createDirectories(dir.resolve("served/public")).getParent());
        repo = server.new Repo("public/functions.git");
        sdkJar = dir.resolve("kiln-function-sdk-9.9.9.jar");
        try (OutputStream out = Files.newOutputStream(sdkJar); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/maven/dev.kiln/kiln-function-sdk/pom.properties"));
            jar.write("groupId=dev.kiln\nartifactId=kiln-function-sdk\nversion=9.9.9\n".getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry("META-INF/maven/dev.kiln/kiln-function-sdk/pom.xml"));
            jar.write(SDK_POM.getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        repo.close();
        server.close();
    }

    record Run(int exit, String out, String err) {
    }

    /** Runs prepare with the Job's init container arguments, its workspace volume at {@code workspace}. */
    static Run prepareAsTheJobWould(KanikoBuild build, Path workspace, String... extra) {
        var init = Jobs.kanikoBuild(build, CONFIG).getSpec().getTemplate().getSpec().getInitContainers().get(0);
        String mount = init.getVolumeMounts().get(0).getMountPath();
        List<String> args = new java.util.ArrayList<>(init.getArgs().stream()
                .map(a -> a.replace("=" + mount, "=" + workspace)).toList());
        args.remove(0); // the subcommand: prepare runs on its own here
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Prepare(Map.of())).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    static KanikoBuild build(RevCommit commit, String contextDir, Strategy strategy, String dockerfile) {
        return new KanikoBuild("fn", "ns", "uid", server.url("public/functions.git"), commit.name(), contextDir, null, strategy, dockerfile,
                "registry.example.com/ns/fn", null, "k".repeat(64), 600);
    }

    @Test
    void theDockerfileStrategyFindsADockerfileAtACustomPath() throws Exception {
        RevCommit commit = repo.commit("a custom Dockerfile path", "notify/build/Containerfile", "FROM scratch\n");
        Path workspace = dir.resolve("ws-dockerfile");

        Run run = prepareAsTheJobWould(build(commit, "notify", Strategy.DOCKERFILE, "build/Containerfile"), workspace);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("(dockerfile)");
        assertThat(workspace.resolve("build/Containerfile")).hasContent("FROM scratch");
    }

    @Test
    void theMavenStrategyStagesTheSdkThatTheGeneratedDockerfileChains() throws Exception {
        RevCommit commit = repo.commit("a maven function", "greeter/pom.xml",
                "<project><dependencies><dependency><groupId>dev.kiln</groupId><artifactId>kiln-function-sdk</artifactId>"
                        + "<version>9.9.9</version></dependency></dependencies></project>");
        Path workspace = dir.resolve("ws-maven");

        Run run = prepareAsTheJobWould(build(commit, "greeter", Strategy.MAVEN, null), workspace, "--sdk-jar=" + sdkJar);

        assertThat(run.exit()).as(run.err()).isZero();
        Path staged = workspace.resolve(MavenDockerfile.SDK_REPOSITORY).resolve("dev/kiln/kiln-function-sdk/9.9.9");
        assertThat(staged.resolve("kiln-function-sdk-9.9.9.jar")).hasSameBinaryContentAs(sdkJar);
        assertThat(staged.resolve("kiln-function-sdk-9.9.9.pom")).hasContent(SDK_POM);
        assertThat(Files.readString(workspace.resolve("Dockerfile.kiln")))
                .contains("COPY " + MavenDockerfile.SDK_REPOSITORY + "/ /opt/kiln/repository/", "-Dmaven.repo.local.tail=/opt/kiln/repository");
        assertThat(run.out()).contains("staged dev.kiln:kiln-function-sdk:9.9.9");
    }

    @Test
    void aContextThatAlreadyHasTheSdkRepositoryIsRefused() throws Exception {
        RevCommit commit = repo.commit("a clash", "clash/pom.xml", "<project/>", "clash/" + MavenDockerfile.SDK_REPOSITORY + "/x", "y");

        Run run = prepareAsTheJobWould(build(commit, "clash", Strategy.MAVEN, null), dir.resolve("ws-clash"), "--sdk-jar=" + sdkJar);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("InvalidBuild: the context has .kiln-repository");
    }
}
