package dev.kiln.builder.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testing.git.GitHttpServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revision resolution, the fetch cache and exports, against a real smart-HTTP Git server. */
class GitSourcesIT {

    @TempDir
    static Path dir;
    static GitHttpServer server;
    static GitHttpServer.Repo repo;
    static GitHttpServer.Repo secret;
    static RevCommit first;
    static RevCommit second;
    static GitSources sources;

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createDirectories(dir.resolve("served"));
        Files.createDirectories(base.resolve("public"));
        Files.createDirectories(base.resolve("private"));
        server = new GitHttpServer(base);
        repo = server.new Repo("public/greeter.git");
        first = repo.commit("first", "README.md", "hello", "fn/pom.xml", "<project/>", "fn/src/Main.java", "class Main {}");
        repo.tag("v1", true);
        second = repo.commit("second", "README.md", "hello again");
        repo.tag("light", false);
        secret = server.new Repo("private/secret.git");
        secret.commit("private", "a.txt", "a");
        sources = GitSources.singleUser(dir.resolve("cache"));
    }

    @AfterAll
    static void stop() throws Exception {
        repo.close();
        secret.close();
        server.close();
    }

    String url() {
        return server.url("public/greeter.git");
    }

    @Test
    void branchesTagsAndShasResolveToCommits() throws Exception {
        assertThat(sources.resolve(url(), "main", GitCredentials.NONE)).isEqualTo(new GitSources.Resolved(second.name(), "refs/heads/main"));
        assertThat(sources.resolve(url(), null, GitCredentials.NONE).commit()).as("no revision: the remote's HEAD").isEqualTo(second.name());
        assertThat(sources.resolve(url(), "v1", GitCredentials.NONE).commit()).as("annotated tag: the commit it points at").isEqualTo(first.name());
        assertThat(sources.resolve(url(), "light", GitCredentials.NONE).commit()).isEqualTo(second.name());
        assertThat(sources.resolve(url(), "refs/tags/v1", GitCredentials.NONE).commit()).isEqualTo(first.name());
        assertThat(sources.resolve(url(), first.name(), GitCredentials.NONE).commit()).isEqualTo(first.name());
        assertThat(sources.resolve(url(), second.name().substring(0, 8), GitCredentials.NONE).commit())
                .as("a short SHA of a branch tip").isEqualTo(second.name());
    }

    @Test
    void aMovedBranchResolvesToItsNewCommitAndFetchesOnlyWhatIsNew() throws Exception {
        try (GitHttpServer.Repo moving = server.new Repo("public/moving.git")) {
            RevCommit a = moving.commit("a", "f.txt", "1");
            String url = server.url("public/moving.git");
            assertThat(sources.resolve(url, "main", GitCredentials.NONE).commit()).isEqualTo(a.name());
            sources.fetch(url, a.name(), GitCredentials.NONE);
            int before = server.requests.get();
            sources.fetch(url, a.name(), GitCredentials.NONE);
            assertThat(server.requests.get()).as("a cached commit needs no request").isEqualTo(before);

            RevCommit b = moving.commit("b", "f.txt", "2");
            assertThat(sources.resolve(url, "main", GitCredentials.NONE).commit()).isEqualTo(b.name());
            assertThat(sources.resolve(url, a.name().substring(0, 9), GitCredentials.NONE).commit())
                    .as("a short SHA that is no longer a tip: found in the cache after a fetch").isEqualTo(a.name());
            Path out = dir.resolve("moving-" + b.name());
            sources.export(sources.fetch(url, b.name(), GitCredentials.NONE), null, out);
            assertThat(out.resolve("f.txt")).hasContent("2");
        }
    }

    @Test
    void exportWritesTheContextDirectoryOnly() throws Exception {
        Path out = dir.resolve("export-fn");
        sources.export(sources.fetch(url(), first.name(), GitCredentials.NONE), "fn", out);
        assertThat(out.resolve("pom.xml")).hasContent("<project/>");
        assertThat(out.resolve("src/Main.java")).exists();
        assertThat(out.resolve("README.md")).doesNotExist();
    }

    @Test
    void aContextDirThatIsNotThereIsRefused() throws Exception {
        GitSources.Fetched fetched = sources.fetch(url(), first.name(), GitCredentials.NONE);
        assertThatThrownBy(() -> sources.export(fetched, "nope", dir.resolve("x")))
                .isInstanceOf(SourceException.class).hasMessageContaining("contextDir 'nope' is not a directory");
        assertThatThrownBy(() -> sources.export(fetched, "README.md", dir.resolve("y")))
                .isInstanceOf(SourceException.class).hasMessageContaining("is not a directory");
    }

    @Test
    void aMissingRevisionSaysWhatThereIs() {
        assertThatThrownBy(() -> sources.resolve(url(), "nope", GitCredentials.NONE)).isInstanceOf(SourceException.class)
                .hasMessageContaining("revision 'nope' is not a branch, tag or commit").hasMessageContaining("main")
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.RevisionNotFound));
        assertThatThrownBy(() -> sources.fetch(url(), "0123456789012345678901234567890123456789", GitCredentials.NONE))
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.RevisionNotFound));
    }

    @Test
    void aRepositoryThatDoesNotExist() {
        assertThatThrownBy(() -> sources.resolve(server.url("public/nothing.git"), "main", GitCredentials.NONE))
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.RepositoryNotFound));
    }

    @Test
    void anUnreachableHost() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> sources.resolve("http://127.0.0.1:" + closed + "/git/x.git", "main", GitCredentials.NONE))
                .hasMessageContaining("cannot be reached")
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.RepositoryUnreachable));
    }

    static int prepare(java.util.Map<String, String> env, java.io.StringWriter err, String... args) {
        dev.kiln.builder.cli.Prepare prepare = new dev.kiln.builder.cli.Prepare(env);
        return new picocli.CommandLine(prepare).setErr(new java.io.PrintWriter(err, true)).execute(args);
    }

    @Test
    void prepareWritesTheContextAndTheGeneratedDockerfile() throws Exception {
        Path out = dir.resolve("prepared");
        java.io.StringWriter err = new java.io.StringWriter();
        int code = prepare(java.util.Map.of(), err, "--url=" + url(), "--commit=" + first.name(), "--context-dir=fn", "--strategy=maven",
                "--out=" + out, "--cache=" + dir.resolve("prepare-cache"),
                "--maven-image=maven@sha256:" + "1".repeat(64), "--runtime-image=jre@sha256:" + "2".repeat(64));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.resolve("pom.xml")).hasContent("<project/>");
        assertThat(Files.readString(out.resolve("Dockerfile.kiln"))).contains("FROM maven@sha256:").contains("commit " + first.name());
    }

    @Test
    void prepareFailsWithTheReasonAsItsMessage() throws Exception {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = prepare(java.util.Map.of("KILN_GIT_TOKEN", GitHttpServer.PASSWORD), err, "--url=" + server.url("private/secret.git"),
                "--commit=" + sources.resolve(server.url("private/secret.git"), "main", new GitCredentials("kiln", GitHttpServer.PASSWORD)).commit(),
                "--out=" + dir.resolve("prepared-private"), "--cache=" + dir.resolve("prepare-cache"));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).as("fetched with the token, then found nothing to build").contains("no build strategy");

        java.io.StringWriter denied = new java.io.StringWriter();
        assertThat(prepare(java.util.Map.of(), denied, "--url=" + server.url("private/secret.git"), "--commit=" + "0".repeat(40),
                "--out=" + dir.resolve("prepared-denied"), "--cache=" + dir.resolve("prepare-cache-2"))).isEqualTo(2);
        assertThat(denied.toString()).startsWith("AuthenticationFailed: ");
    }

    @Test
    void privateRepositoriesNeedTheRightCredentials() throws Exception {
        String url = server.url("private/secret.git");
        assertThatThrownBy(() -> sources.resolve(url, "main", GitCredentials.NONE)).hasMessageContaining("secretRef")
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.AuthenticationFailed));
        assertThatThrownBy(() -> sources.resolve(url, "main", new GitCredentials(GitHttpServer.USER, "wrong")))
                .hasMessageContaining("check the secret").hasMessageNotContaining("wrong")
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.AuthenticationFailed));
        GitCredentials right = new GitCredentials(GitHttpServer.USER, GitHttpServer.PASSWORD);
        String commit = sources.resolve(url, "main", right).commit();
        Path out = dir.resolve("private-export");
        sources.export(sources.fetch(url, commit, right), "", out);
        assertThat(out.resolve("a.txt")).hasContent("a");
    }

    /**
     * The controller's cache serves every namespace: a private commit one requester fetched is not served to another
     * whose credentials cannot read the repository, though it is in the cache and its SHA is all the other names.
     */
    @Test
    void aSharedCacheServesACachedPrivateCommitOnlyToCredentialsThatReadTheRepository() throws Exception {
        GitSources shared = GitSources.shared(dir.resolve("shared-cache"));
        String url = server.url("private/secret.git");
        GitCredentials right = new GitCredentials(GitHttpServer.USER, GitHttpServer.PASSWORD);
        String commit = shared.resolve(url, "main", right).commit();
        shared.export(shared.fetch(url, commit, right), "", dir.resolve("shared-owner"));
        assertThat(shared.resolve(url, commit, GitCredentials.NONE).commit()).as("a full SHA resolves without asking the remote").isEqualTo(commit);

        assertThatThrownBy(() -> shared.fetch(url, commit, GitCredentials.NONE)).as("no credentials").hasMessageContaining("set spec.source.git.secretRef")
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.AuthenticationFailed));
        assertThatThrownBy(() -> shared.fetch(url, commit, new GitCredentials(GitHttpServer.USER, "wrong"))).as("credentials the server refuses")
                .hasMessageContaining("check the secret").hasMessageNotContaining("wrong")
                .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.AuthenticationFailed));

        Path again = dir.resolve("shared-again");
        GitCredentials sameAccess = new GitCredentials(GitHttpServer.USER, GitHttpServer.PASSWORD);
        int before = server.requests.get();
        shared.export(shared.fetch(url, commit, sameAccess), "", again);
        assertThat(server.requests.get()).as("credentials that read it are checked against the server").isGreaterThan(before);
        assertThat(again.resolve("a.txt")).hasContent("a");

        String publicCommit = shared.resolve(url(), "main", GitCredentials.NONE).commit();
        shared.fetch(url(), publicCommit, GitCredentials.NONE);
        assertThat(shared.fetch(url(), publicCommit, GitCredentials.NONE).commit()).as("a public repository needs no credentials").isEqualTo(publicCommit);
    }

    /**
     * Attacker review: a commit a force push took out of the repository (a secret pushed, then withdrawn) stays in the
     * shared cache, but is served to no one, as a fresh clone would not have it; the Function whose last build it was may
     * still compare its new commit with it. A single user's cache keeps serving what it fetched, offline.
     */
    @Test
    void aSharedCacheServesOnlyCommitsABranchOrTagReachesNow() throws Exception {
        try (GitHttpServer.Repo pushed = server.new Repo("public/force-pushed.git")) {
            RevCommit kept = pushed.commit("kept", "f.txt", "1");
            RevCommit withdrawn = pushed.commit("oops", "token.txt", "ghp_secret");
            String url = server.url("public/force-pushed.git");
            GitSources shared = GitSources.shared(dir.resolve("force-shared-cache"));
            GitSources mine = GitSources.singleUser(dir.resolve("force-single-cache"));
            shared.fetch(url, withdrawn.name(), GitCredentials.NONE);
            mine.fetch(url, withdrawn.name(), GitCredentials.NONE);

            pushed.work.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(kept.name()).call();
            pushed.push(); // forced

            assertThatThrownBy(() -> shared.fetch(url, withdrawn.name(), GitCredentials.NONE))
                    .hasMessage("commit " + withdrawn.name() + " is not reachable from any branch or tag of " + url)
                    .satisfies(e -> assertThat(((SourceException) e).reason()).isEqualTo(SourceException.Reason.RevisionNotFound));
            assertThat(shared.fetch(url, kept.name(), GitCredentials.NONE).commit()).as("an ancestor of a branch").isEqualTo(kept.name());
            assertThat(shared.changedPaths(shared.built(url, withdrawn.name(), GitCredentials.NONE), shared.fetch(url, kept.name(), GitCredentials.NONE)))
                    .as("the last build's commit, compared with").containsExactly("token.txt");
            assertThat(mine.fetch(url, withdrawn.name(), GitCredentials.NONE).commit()).as("one user's own cache").isEqualTo(withdrawn.name());
        }
    }
}
