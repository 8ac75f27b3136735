package dev.kiln.builder.git;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for a Git remote, from the Function's {@code spec.source.git.secretRef}:
 * <ul>
 * <li>over HTTPS, a {@code kubernetes.io/basic-auth} secret ({@code username}, {@code password}) or a token
 *     ({@code token}; GitHub and GitLab both accept a token as the password with any user name);</li>
 * <li>over SSH, a {@code kubernetes.io/ssh-auth} secret ({@code ssh-privatekey}: an unencrypted private key, a
 *     deploy key) with a {@code known_hosts} entry naming the server's host key. Host keys are always checked: a
 *     key without {@code known_hosts} is refused, never trusted on first use.</li>
 * </ul>
 *
 * @param username the user name (HTTPS), or null
 * @param password the password or token (HTTPS), or null
 * @param ssh the SSH key and known hosts, or null
 */
public record GitCredentials(String username, String password, SshKey ssh) {

    /** No credentials: public repositories. */
    public static final GitCredentials NONE = new GitCredentials(null, null, null);

    /**
     * @param username the user name
     * @param password the password or token
     */
    public GitCredentials(String username, String password) {
        this(username, password, null);
    }

    /**
     * An SSH identity and the host keys to trust.
     *
     * @param privateKey the private key, as {@code ssh-keygen} writes it (OpenSSH or PEM), unencrypted
     * @param knownHosts {@code known_hosts} lines for the servers to trust
     */
    public record SshKey(String privateKey, String knownHosts) {

        @Override
        public String toString() {
            return "an SSH key (hidden) and " + knownHosts.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count()
                    + " known host key(s)";
        }
    }

    /**
     * @param secret a Secret as the API server (or a manifest) holds it: {@code data} base64-encoded, {@code stringData} plain
     * @return the credentials
     * @throws SourceException when the secret holds none Kiln can use
     */
    public static GitCredentials fromSecret(io.fabric8.kubernetes.api.model.Secret secret) throws SourceException {
        Map<String, byte[]> data = new java.util.HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, java.util.Base64.getDecoder().decode(v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return fromSecret(secret.getMetadata().getName(), data);
    }

    /**
     * @param data the secret's data, decoded
     * @return the credentials
     * @throws SourceException when the secret holds none Kiln can use
     */
    public static GitCredentials fromSecret(String secretName, Map<String, byte[]> data) throws SourceException {
        if (data.containsKey("token")) {
            return new GitCredentials("kiln", text(data.get("token")));
        }
        if (data.containsKey("username") && data.containsKey("password")) {
            return new GitCredentials(text(data.get("username")), text(data.get("password")));
        }
        if (data.containsKey("ssh-privatekey")) {
            return ssh(secretName, text(data.get("ssh-privatekey")), data.containsKey("known_hosts") ? text(data.get("known_hosts")) : null);
        }
        throw new SourceException(SourceException.Reason.InvalidSource, "secret " + secretName
                + " has neither 'token', nor 'username' and 'password', nor 'ssh-privatekey'", null);
    }

    /**
     * @param where what holds the key, for messages (a secret's name, an environment variable)
     * @param privateKey the private key
     * @param knownHosts the {@code known_hosts} lines, or null
     * @return SSH credentials
     * @throws SourceException without host keys to check the server against
     */
    public static GitCredentials ssh(String where, String privateKey, String knownHosts) throws SourceException {
        if (knownHosts == null || knownHosts.lines().noneMatch(l -> !l.isBlank() && !l.startsWith("#"))) {
            throw new SourceException(SourceException.Reason.InvalidSource, where + " has an SSH key but no 'known_hosts': Kiln always"
                    + " checks the server's host key; add the host's line (ssh-keyscan -p <port> <host>, checked against the host's"
                    + " published fingerprint)", null);
        }
        return new GitCredentials(null, null, new SshKey(privateKey, knownHosts));
    }

    /** @return JGit's provider, or null without a user name and password */
    CredentialsProvider provider() {
        return username == null ? null : new UsernamePasswordCredentialsProvider(username, password);
    }

    /** @return whether any credentials are set */
    boolean present() {
        return username != null || ssh != null;
    }

    /**
     * @param session where the SSH files live for one operation, or null
     * @return how JGit sets up a transport: for SSH, a session factory that knows only this key and these hosts
     */
    TransportConfigCallback transport(SshSession session) {
        return transport -> {
            if (session != null && transport instanceof org.eclipse.jgit.transport.SshTransport ssh) {
                ssh.setSshSessionFactory(session.factory());
            }
        };
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).strip();
    }

    @Override
    public String toString() {
        return ssh != null ? ssh.toString() : username == null ? "none" : "user " + username + " (password hidden)";
    }
}
