package dev.kiln.builder.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testing.git.GitHttpServer;
import dev.kiln.testing.git.GitSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH remotes against a real SSH Git server (Apache MINA SSHD serving JGit repositories): a deploy key from an
 * {@code ssh-privatekey} secret, and host keys always checked against the secret's {@code known_hosts}.
 */
class GitSourcesSshIT {

    @TempDir
    static Path dir;
    static GitSshServer ssh;
    static GitHttpServer repos;
    static RevCommit commit;
    static GitSources sources;

    @BeforeAll
    static void start() throws Exception {
        Path base = dir.resolve("srv");
        Files.createDirectories(base);
        repos = new GitHttpServer(base); // only for its Repo helper: the repositories are served over SSH below
        GitHttpServer.Repo repo = repos.new Repo("private/greeter.git");
        commit = repo.commit("first", "functions/greeter/pom.xml", "<project/>", "README.md", "hello");
        ssh = new GitSshServer(base);
        sources = GitSources.singleUser(dir.resolve("cache"));
    }

    @AfterAll
    static void stop() throws Exception {
        ssh.close();
        repos.close();
    }

    static GitCredentials secret(String key, String knownHosts) throws SourceException {
        return GitCredentials.fromSecret("deploy-key", knownHosts == null ? Map.of("ssh-privatekey", bytes(key))
                : Map.of("ssh-privatekey", bytes(key), "known_hosts", bytes(knownHosts)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDeployKeyResolvesFetchesAndExportsOverSsh() throws Exception {
        GitCredentials key = secret(ssh.clientPrivateKey(), ssh.knownHosts());
        String url = ssh.url("private/greeter.git");
        GitSources.Resolved resolved = sources.resolve(url, "main", key);
        assertThat(resolved.commit()).isEqualTo(commit.name());
        Path out = dir.resolve("export");
        sources.export(sources.fetch(url, resolved.commit(), key), "functions/greeter", out);
        assertThat(out.resolve("pom.xml")).hasContent("<project/>");
    }

    @Test
    void theScpLikeFormIsTheSameRepository() throws Exception {
        // user@host:path cannot name a port; JGit reads the port from the URL form only, so this checks the form is
        // accepted by the transport and fails on the connection (port 22 is not this server), not on the URL.
        GitCredentials key = secret(ssh.clientPrivateKey(), ssh.knownHosts());
        assertThatThrownBy(() -> sources.resolve("git@127.0.0.1:private/greeter.git", "main", key))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isNotEqualTo(SourceException.Reason.InvalidSource));
    }

    @Test
    void aServerWhoseHostKeyIsNotInKnownHostsIsRefused() throws Exception {
        GitCredentials trustsAnother = secret(ssh.clientPrivateKey(), ssh.knownHostsFor(GitSshServer.ecKey().getPublic()));
        int before = ssh.commands.get();
        assertThatThrownBy(() -> sources.resolve(ssh.url("private/greeter.git"), "main", trustsAnother))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SourceException.Reason.AuthenticationFailed);
                    assertThat(e.getMessage()).contains("host key");
                });
        assertThat(ssh.commands.get()).as("nothing ran on an untrusted server").isEqualTo(before);
    }

    @Test
    void aKeyTheServerDoesNotAcceptIsAnAuthenticationFailure() throws Exception {
        GitCredentials stranger = secret(GitSshServer.privateKey(GitSshServer.ecKey()), ssh.knownHosts());
        assertThatThrownBy(() -> sources.resolve(ssh.url("private/greeter.git"), "main", stranger))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(SourceException.Reason.AuthenticationFailed));
    }

    @Test
    void aSharedCacheServesACommitFetchedOverSshOnlyToAKeyTheServerAccepts() throws Exception {
        GitSources shared = GitSources.shared(dir.resolve("shared-cache"));
        String url = ssh.url("private/greeter.git");
        GitCredentials key = secret(ssh.clientPrivateKey(), ssh.knownHosts());
        shared.fetch(url, commit.name(), key);
        GitCredentials stranger = secret(GitSshServer.privateKey(GitSshServer.ecKey()), ssh.knownHosts());
        assertThatThrownBy(() -> shared.fetch(url, commit.name(), stranger))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(SourceException.Reason.AuthenticationFailed));
        int before = ssh.commands.get();
        assertThat(shared.fetch(url, commit.name(), key).commit()).isEqualTo(commit.name());
        assertThat(ssh.commands.get()).as("the accepted key was checked again: an upload-pack for the ls-remote").isGreaterThan(before);
    }

    @Test
    void aKeyWithoutKnownHostsIsRefusedBeforeAnyConnection() throws Exception {
        assertThatThrownBy(() -> secret(ssh.clientPrivateKey(), null)).isInstanceOfSatisfying(SourceException.class, e -> {
            assertThat(e.reason()).isEqualTo(SourceException.Reason.InvalidSource);
            assertThat(e.getMessage()).contains("known_hosts").contains("always");
        });
    }

    @Test
    void theBuildersPrepareStepTakesTheKeyFromItsEnvironment() throws Exception {
        java.io.StringWriter err = new java.io.StringWriter();
        Path out = dir.resolve("prepared");
        int code = GitSourcesIT.prepare(Map.of("KILN_GIT_SSH_PRIVATE_KEY", ssh.clientPrivateKey(), "KILN_GIT_KNOWN_HOSTS", ssh.knownHosts()),
                err, "--url=" + ssh.url("private/greeter.git"), "--commit=" + commit.name(), "--context-dir=functions/greeter",
                "--strategy=maven", "--out=" + out, "--cache=" + dir.resolve("prepare-cache"),
                "--maven-image=maven@sha256:" + "1".repeat(64), "--runtime-image=jre@sha256:" + "2".repeat(64));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.resolve("pom.xml")).hasContent("<project/>");
    }
}
