package dev.kiln.builder.git;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for a Git remote over HTTPS, from the Function's {@code spec.source.git.secretRef}: a
 * {@code kubernetes.io/basic-auth} secret ({@code username}, {@code password}) or a token ({@code token}; GitHub and
 * GitLab both accept a token as the password with any user name).
 *
 * @param username the user name
 * @param password the password or token
 */
public record GitCredentials(String username, String password) {

    /** No credentials: public repositories. */
    public static final GitCredentials NONE = new GitCredentials(null, null);

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
            throw new SourceException(SourceException.Reason.InvalidSource, "secret " + secretName
                    + " holds an SSH key: Kiln fetches over HTTPS only for now; use an https:// URL with a token or basic-auth secret", null);
        }
        throw new SourceException(SourceException.Reason.InvalidSource, "secret " + secretName
                + " has neither 'token' nor 'username' and 'password'", null);
    }

    /** @return JGit's provider, or null without credentials */
    CredentialsProvider provider() {
        return username == null ? null : new UsernamePasswordCredentialsProvider(username, password);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).strip();
    }

    @Override
    public String toString() {
        return username == null ? "none" : "user " + username + " (password hidden)";
    }
}
