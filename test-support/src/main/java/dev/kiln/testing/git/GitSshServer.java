package dev.kiln.testing.git;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real SSH Git server on 127.0.0.1 for tests: Apache MINA SSHD's server, running JGit's {@code UploadPack} for
 * {@code git-upload-pack '<path>'} (what fetch and ls-remote run) on the bare repositories under a base directory.
 * Its host key and the one client key it accepts (public-key authentication only) are made fresh for each server,
 * so a test can hand out a {@code known_hosts} line that is right, or one for another key.
 */
public final class GitSshServer implements AutoCloseable {

    private final Path base;
    private final SshServer server;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    /** Every command run. */
    public final AtomicInteger commands = new AtomicInteger();

    /**
     * @param base the directory that holds the bare repositories
     * @throws Exception when the server does not start
     */
    public GitSshServer(Path base) throws Exception {
        this.base = base;
        this.hostKey = ecKey();
        this.clientKey = ecKey();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setCommandFactory((channel, command) -> new UploadPackCommand(command));
        server.start();
    }

    /** @return a fresh P-256 key pair */
    public static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** @return the {@code ssh://} URL of a repository under the base, e.g. {@code private/greeter.git} */
    public String url(String name) {
        return "ssh://git@127.0.0.1:" + server.getPort() + "/" + name;
    }

    /** @return the private key this server accepts, in OpenSSH's format (what {@code ssh-keygen} writes) */
    public String clientPrivateKey() throws Exception {
        return privateKey(clientKey);
    }

    /** @return {@code key} in OpenSSH's private key format, unencrypted */
    public static String privateKey(KeyPair key) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "kiln-test", null, out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** @return the {@code known_hosts} line for this server's host key */
    public String knownHosts() {
        return knownHostsFor(hostKey.getPublic());
    }

    /** @return a {@code known_hosts} line naming this server with another key: what an impostor would present */
    public String knownHostsFor(PublicKey key) {
        return "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(key) + "\n";
    }

    /** Runs {@code git-upload-pack} on a repository under the base; anything else exits 127. */
    private final class UploadPackCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            commands.incrementAndGet();
            Thread t = new Thread(this::run, "git-ssh-" + command);
            t.setDaemon(true);
            t.start();
        }

        private void run() {
            String prefix = "git-upload-pack ";
            if (!command.startsWith(prefix)) {
                fail(127, "only git-upload-pack is served: " + command);
                return;
            }
            String path = command.substring(prefix.length()).replace("'", "").replaceAll("^/+", "");
            Path dir = base.resolve(path).normalize();
            if (!dir.startsWith(base) || !Files.isDirectory(dir)) {
                fail(1, "fatal: '" + path + "' does not appear to be a git repository");
                return;
            }
            try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
                new UploadPack(repo).upload(in, out, err);
                out.flush();
                exit.onExit(0);
            } catch (Exception e) {
                fail(1, "fatal: " + e.getMessage());
            }
        }

        private void fail(int code, String message) {
            try {
                err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
            } catch (java.io.IOException ignored) {
                // the client went away
            }
            exit.onExit(code, message);
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the upload thread ends with its streams
        }
    }

    @Override
    public void close() throws Exception {
        server.stop(true);
    }
}
