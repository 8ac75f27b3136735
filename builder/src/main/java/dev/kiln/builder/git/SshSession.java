package dev.kiln.builder.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * One Git operation's SSH setup, with JGit's Apache MINA SSHD transport: a private directory holding the key, the
 * {@code known_hosts} and an ssh config that allows nothing else (strict host key checking, this identity only,
 * public-key authentication only, no agent). Nothing of the process's own {@code ~/.ssh} is read. Deleted on close.
 */
final class SshSession implements AutoCloseable {

    private final Path dir;
    private final SshdSessionFactory factory;

    SshSession(GitCredentials.SshKey key) throws IOException {
        dir = Files.createTempDirectory("kiln-ssh", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path identity = write("id", key.privateKey() + "\n");
        Path knownHosts = write("known_hosts", key.knownHosts() + "\n");
        write("config", """
                Host *
                  StrictHostKeyChecking yes
                  UserKnownHostsFile %s
                  GlobalKnownHostsFile none
                  IdentityFile %s
                  IdentitiesOnly yes
                  IdentityAgent none
                  PreferredAuthentications publickey
                  BatchMode yes
                """.formatted(knownHosts, identity));
        factory = new SshdSessionFactoryBuilder().setHomeDirectory(dir.toFile()).setSshDirectory(dir.toFile()).build(null);
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    SshdSessionFactory factory() {
        return factory;
    }

    @Override
    public void close() {
        factory.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind; nothing to report to the Function
        }
    }
}
